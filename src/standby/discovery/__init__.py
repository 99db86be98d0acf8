"""Discovery: the outside domains and vendors a team's pages load from, and which nobody watches."""
