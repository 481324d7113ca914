"""The speech recognition engines, one module or subpackage each, all of the same shape.

Each offers an engine class with `name`, `vocabulary`, `missing`, `load(...)`, `recognizer()` and
`describe()` (the `engine.Engine` protocol): `vosk` (a model directory, grammar-restricted),
`pocketsphinx` (the wheel's US-English model) and `moonshine` (the wheel's English model, with its
tokenizer, evidence and voice detector). `listener.EngineChoice.load` imports only the one chosen,
since each pulls in its own native library.
"""
