"""Online approval: the public catalogue, and tracking an application by its number and query code."""
