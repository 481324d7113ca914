"""Speech in: turning what the microphone hears into session commands."""
