"""People albums: clustering, incremental assignment, and the user's decisions that both obey."""
