"""Search as the forum's pages use it: marking what changed for the index (indexing) and the search
page (views). The engines themselves are in the top-level search/ package."""
