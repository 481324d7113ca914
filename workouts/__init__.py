"""The workouts shipped with the companion (TOML files, read by companion.library)."""
