"""Progress reporting for long command-line runs.

A tqdm bar per stage on a terminal (epochs, rate, ETA), a few plain lines
when the output is a file or a pipe, and nothing when disabled.
"""

import sys
import time


class Progress:
    """Report the epochs of successive training stages.

    Parameters
    ----------
    enabled : bool, default=True
        False silences everything.
    stream : file object, default=sys.stderr
        Where progress goes.
    """

    def __init__(self, enabled=True, stream=None):
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._bar = None
        self._label = None
        self._total = 0
        self._done = 0
        self._tic = 0.0
        self._unit = "epoch"

    def _interactive(self):
        if not hasattr(self.stream, "isatty") or not self.stream.isatty():
            return False
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return False
        return True

    def start(self, label, total, unit="epoch"):
        """Begin a stage of ``total`` steps (epochs, or chunks of a file)."""
        self._label, self._total, self._done = label, total, 0
        self._unit = unit
        self._tic = time.perf_counter()
        if not self.enabled:
            return
        if self._interactive():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=unit, file=self.stream)
        else:
            self._print(f"{label}: {total} {unit}s")

    def advance(self, loss):
        """One step done, with the current reconstruction error."""
        self._done += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix(mse=f"{loss:.4g}", refresh=False)
            self._bar.update()
            return
        # a line every tenth of a long stage; short stages only start and end
        step = self._total // 10 if self._total >= 100 else self._total
        if self._done % step == 0 and self._done < self._total:
            elapsed = time.perf_counter() - self._tic
            eta = elapsed / self._done * (self._total - self._done)
            self._print(
                f"{self._label}: {self._unit} {self._done}/{self._total}, "
                f"reconstruction MSE {loss:.4g}, ETA {eta:.0f}s"
            )

    def finish(self):
        """End the current stage."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            return
        seconds = time.perf_counter() - self._tic
        self._print(f"{self._label}: done in {seconds:.1f}s")

    def passes(self, n_epochs, n_chunks):
        """A ``partial_fit_chunks`` callback: one stage per pass over the chunks.

        Starts the first pass's stage now; the last chunk of each pass ends
        its stage and starts the next pass's.

        Parameters
        ----------
        n_epochs : int
            Passes over the data.
        n_chunks : int
            Chunks per pass.

        Returns
        -------
        callback : callable
            ``callback(info)`` for a :class:`skrbm.ChunkProgress` ``info``.
        """

        def start(epoch):
            self.start(f"pass {epoch}/{n_epochs} over the data", n_chunks, "chunk")

        def callback(info):
            self.advance(info.loss)
            if info.chunk == info.n_chunks:
                self.finish()
                if info.epoch < info.n_epochs:
                    start(info.epoch + 1)

        start(1)
        return callback

    def report(self, line):
        """Print one line of news (unless disabled)."""
        if self.enabled:
            self._print(line)

    def _print(self, line):
        print(line, file=self.stream, flush=True)
