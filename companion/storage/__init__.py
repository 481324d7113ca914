"""Storage adapters: training history."""
