"""The database: tables, engines and sessions, migrations, integrity, state lookups."""
