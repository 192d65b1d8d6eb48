"""The command line: the same services as the GUI, without Qt."""
