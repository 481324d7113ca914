"""Audio as arrays, shared by speech out and speech in: PCM conversion (`pcm`), WAV files (`wav`)
and sample-rate conversion (`resample`). No devices, threads or UI here."""
