"""Forum: boards, topics and posts to read; topics, replies and reports to write through forum.services."""
