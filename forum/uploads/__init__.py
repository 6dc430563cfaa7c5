"""Images and PDFs members attach to posts: what is kept and the quota (files), where the bytes
live (stores: a folder, or the database every app server shares), and the addresses that serve them (views)."""
