"""Video and images: the only package that imports moviepy or Pillow, or runs ffmpeg.

Everything here works on plain files and needs no workspace. Modules:

- ``ffmpeg``: the bundled ffmpeg (``imageio_ffmpeg``), one safe way to run it (``run_ffmpeg``: no
  process left behind, one-line errors, progress) and the input guards every command uses (``input_args``).
- ``probe``: what a source video is (duration, frame rate, variable frame rate, rotation, audio), with
  everything that is not a playable video rejected before any work.
- ``timecode``: cut times as people type them (``75``, ``1:15.5``, ``0:01:15``) and back.

Heavy imports (moviepy, Pillow, numpy) happen inside the functions that need them, never at module level,
so the command line starts fast.
"""
