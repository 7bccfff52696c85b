"""What the experiments share to write their figures."""


def save_figure(fig, path, dpi=90):
    """Write ``fig`` to ``path`` (making its directory), close it, say where."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    print(f"figure: {path}", flush=True)
