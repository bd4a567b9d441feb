"""The window side of activity: recording, pasting a 接龙, importing, and the weights."""
