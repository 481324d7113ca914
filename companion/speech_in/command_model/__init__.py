"""A small command classifier on Google's frozen speech_embedding front end, scored over a
sliding window (the last ~2 s, every 80 ms). Trained by `training/build.py` on synthetic voices
with heavy augmentation; the head ships here as head.npz + head.json. Pure numpy + onnxruntime:
no torch at run time."""
