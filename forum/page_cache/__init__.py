"""Pages kept for visitors: when a kept page is stale (freshness: versions bumped by each commit)
and the cache that keeps them (cache). docs/page-cache.md tells how."""
