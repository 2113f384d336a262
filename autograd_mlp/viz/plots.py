"""placeholder"""


def plot_weights(*a, **k):
    raise NotImplementedError


def plot_samples(*a, **k):
    raise NotImplementedError
