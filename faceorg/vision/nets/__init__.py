"""Our own torch modules for the networks whose weights we load."""
