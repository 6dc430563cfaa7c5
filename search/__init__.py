"""Full-text search behind a small interface (Whoosh): see the search issue."""
