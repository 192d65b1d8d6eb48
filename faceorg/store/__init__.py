"""The local library: one SQLite file, its schema and migrations, repositories and queries."""
