"""Moonshine, the English engine that works out of the box: `engine` judges utterances with the
`model` (run with onnxruntime; `tokens` spells phrases for it), `evidence` weighs its verdict with
the weights in `judge.json`, and `voice_activity` (Silero) tells a voice from a clank first."""
