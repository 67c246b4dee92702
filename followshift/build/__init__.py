"""The build's driver: pipeline.py runs the stages in order, state.py keeps what one build hands
the next (BuildCache, stored by statefile.py), schedule.py starts the worker processes.

Deliberately empty: re-exporting build()/BuildOptions here would make `render.markdown ->
build.schedule -> build/__init__ -> pipeline -> render.markdown` a circular import.
"""
