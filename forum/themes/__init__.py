"""The months' themes: which is current, next and archived, creating and editing one with its panel
and resources (months), and the theme pages and moderators' forms (views, forms)."""
