"""Running the installation: configuration, schema and migrations, demo data, backup,
outages, both languages, and the generated screens every feature shares."""
