"""What other tools read: the Atom feeds of latest posts and threads (atom), a theme's dates as a
calendar file (ical), and their addresses (views)."""
