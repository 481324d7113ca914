"""Speech out: turning the session's `Speak` effects into sound."""
