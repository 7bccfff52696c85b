"""The weight-decay study: RBMs with no decay, L1 and L2, each refined.

A reproduction of the classic comparison on natural image patches, usable
from Python (:func:`run_study`) and from the command line
(``python -m skrbm study``).
"""

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.covariance import EmpiricalCovariance
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import StandardScaler

from .. import AutoencoderRefiner, GaussianRBM
from .._training import one_blas_thread
from ..datasets import load_natural_patches
from ..metrics import log_partition, summarize_filters
from ._argtypes import PENALTIES
from ._progress import Progress

# What ``--quick`` changes: a seconds-long run.
QUICK = dict(
    n_patches=1000,
    n_validation=300,
    epochs=30,
    refine_epochs=20,
    ais_temperatures=500,
    ais_chains=50,
)


@dataclass
class StudyConfig:
    """Settings of the study; the defaults are the reference experiment.

    ``ais_temperatures`` and ``ais_chains`` set the annealed importance
    sampling behind the held-out log-likelihood: half the library's default
    temperatures, half its cost (about 1.3 s per 64 -> 100 model), for a
    bracket 0.14 to 0.26 nats wide on the default models; more than 100
    chains would leave the single-threaded BLAS path and cost far more on a
    busy machine. ``n_model_samples`` samples are drawn
    from each RBM by as many Gibbs chains started from noise, after
    ``sample_steps`` steps. ``n_jobs`` processes train the models side by
    side (None: one; -1: one per core), with the same results as one:
    every model has its own seeds, and is trained and measured with one
    BLAS thread in whichever process runs it.
    """

    penalties: tuple = ("none", "l1", "l2")
    alphas: tuple = (0.0, 0.01, 0.1)
    n_patches: int = 5000
    n_validation: int = 1000
    patch_size: int = 8
    n_components: int = 100
    epochs: int = 1000
    refine_epochs: int = 500
    learning_rate: float = 0.01
    momentum: float = 0.9
    batch_size: int = 100
    baseline: bool = True
    ais_temperatures: int = 1000
    ais_chains: int = 100
    n_model_samples: int = 64
    sample_steps: int = 1000
    dtype: str = "float32"
    images: list = field(default=None)
    seed: int = 0
    n_jobs: int = None


def load_study_data(config):
    """Training and validation patches, standardized with training statistics."""
    X = load_natural_patches(
        config.n_patches + config.n_validation,
        patch_size=config.patch_size,
        images=config.images,
        standardize=False,
        random_state=config.seed,
    )
    X_train, X_val = X[: config.n_patches], X[config.n_patches :]
    scaler = StandardScaler().fit(X_train)
    dtype = np.dtype(config.dtype)
    return (
        scaler.transform(X_train).astype(dtype),
        scaler.transform(X_val).astype(dtype),
    )


def train_by_epoch(estimator, X, n_epochs, progress, label):
    """``n_epochs`` calls of ``partial_fit``, reporting progress.

    Equal, bit for bit, to ``fit`` with ``n_iter=n_epochs`` (without early
    stopping), but lets the caller show a progress bar.
    """
    progress.start(label, n_epochs)
    for _ in range(n_epochs):
        estimator.partial_fit(X)
        progress.advance(estimator.loss_curve_[-1])
    progress.finish()
    return estimator


def mse(estimator, X):
    """Mean squared reconstruction error (minus ``score``)."""
    return -estimator.score(X)


def held_out_likelihood(rbm, X_val, config):
    """Mean log-likelihood of ``X_val`` per patch, with the bracket of ``log Z``.

    ``log p(v) = -F(v) - log Z``, so the upper bound of ``log Z`` gives the
    lower bound of the log-likelihood, and the other way round.
    """
    log_z = log_partition(
        rbm,
        n_temperatures=config.ais_temperatures,
        n_chains=config.ais_chains,
        random_state=config.seed,
    )
    estimate = float(np.mean(rbm.log_likelihood(X_val, log_partition=log_z)))
    return {
        "val_log_likelihood": estimate,
        "val_log_likelihood_lower": estimate - (log_z.upper - log_z.estimate),
        "val_log_likelihood_upper": estimate + (log_z.estimate - log_z.lower),
        "log_partition": {**log_z._asdict(), "reliable": log_z.reliable},
    }


def study_one(name, alpha, X_train, X_val, config, progress):
    """Train, refine and measure one penalty.

    Returns
    -------
    row : dict
    rbm : GaussianRBM
    refiner : AutoencoderRefiner
    samples : ndarray of shape (config.n_model_samples, n_features)
        Samples of the RBM, from noise after ``config.sample_steps`` Gibbs
        steps.
    """
    common = dict(
        learning_rate=config.learning_rate,
        momentum=config.momentum,
        batch_size=config.batch_size,
        random_state=config.seed,
    )
    rbm = GaussianRBM(
        config.n_components, penalty=PENALTIES[name], alpha=alpha, **common
    )
    tic = time.perf_counter()
    train_by_epoch(rbm, X_train, config.epochs, progress, f"{name}: RBM")
    rbm_seconds = time.perf_counter() - tic
    refiner = AutoencoderRefiner(FrozenEstimator(rbm), **common)
    tic = time.perf_counter()
    train_by_epoch(refiner, X_train, config.refine_epochs, progress, f"{name}: refine")
    refine_seconds = time.perf_counter() - tic
    tic = time.perf_counter()
    likelihood = held_out_likelihood(rbm, X_val, config)
    likelihood_seconds = time.perf_counter() - tic
    samples = rbm.sample(
        config.n_model_samples, n_steps=config.sample_steps, random_state=config.seed
    )
    row = {
        "penalty": name,
        "alpha": alpha,
        **summarize_filters(rbm.components_),
        "refined_filters": summarize_filters(refiner.components_),
        "train_mse": mse(rbm, X_train),
        "val_mse": mse(rbm, X_val),
        **likelihood,
        "train_mse_refined": mse(refiner, X_train),
        "val_mse_refined": mse(refiner, X_val),
        "rbm_seconds": rbm_seconds,
        "refine_seconds": refine_seconds,
        "likelihood_seconds": likelihood_seconds,
    }
    return row, rbm, refiner, samples


#: The progress label of the randomly initialised autoencoder.
BASELINE = "random-init autoencoder"


def train_baseline(X_train, X_val, config, progress):
    """The randomly initialised autoencoder of the study, and its figures."""
    random_ae = AutoencoderRefiner(
        None,
        n_components=config.n_components,
        learning_rate=config.learning_rate,
        momentum=config.momentum,
        batch_size=config.batch_size,
        random_state=config.seed,
    )
    train_by_epoch(random_ae, X_train, config.refine_epochs, progress, BASELINE)
    baseline = {
        "train_mse": mse(random_ae, X_train),
        "val_mse": mse(random_ae, X_val),
        "loss_curve": list(random_ae.loss_curve_),
    }
    return baseline, random_ae


def train_one(penalty, X_train, X_val, config, progress):
    """One model of the study, trained and measured with one BLAS thread.

    The same thread limit in every process (the main one and joblib's
    workers, which get one thread per core they share) makes a model's
    figures the same, bit for bit, whichever process trains it: products
    summed by one thread or by several round differently.

    ``penalty`` is ``(name, alpha)`` for :func:`study_one`, or None for
    :func:`train_baseline`.
    """
    with one_blas_thread():
        if penalty is None:
            return train_baseline(X_train, X_val, config, progress)
        return study_one(*penalty, X_train, X_val, config, progress)


def _job(key, penalty, X_train, X_val, config):
    """One model of the study in a worker process, timed, without progress."""
    tic = time.perf_counter()
    outcome = train_one(penalty, X_train, X_val, config, Progress(enabled=False))
    return key, outcome, time.perf_counter() - tic


def train_models(settings, X_train, X_val, config, progress):
    """Every model of the study: ``{key: study_one(...)}`` and the baseline.

    One process trains them in turn with per-epoch progress; several
    (``config.n_jobs``) train them side by side and report each model as
    it finishes.

    Returns
    -------
    outcomes : dict
        Key to what :func:`study_one` returns, in the order of ``settings``.
    baseline : tuple or None
        What :func:`train_baseline` returns, if ``config.baseline``.
    """
    tasks = [(key, penalty) for key, penalty in settings.items()]
    if config.baseline:
        tasks.append((BASELINE, None))
    n_jobs = min(effective_n_jobs(config.n_jobs), len(tasks))
    if n_jobs == 1:
        outcomes = {
            key: train_one(penalty, X_train, X_val, config, progress)
            for key, penalty in tasks
        }
        return outcomes, outcomes.pop(BASELINE, None)
    progress.report(
        f"training {len(tasks)} models in {n_jobs} processes: "
        + ", ".join(key for key, _ in tasks)
    )
    jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_job)(key, penalty, X_train, X_val, config) for key, penalty in tasks
    )
    outcomes = {}
    for key, outcome, seconds in jobs:
        progress.report(f"{key}: done in {seconds:.1f}s")
        outcomes[key] = outcome
    baseline = outcomes.pop(BASELINE, None)
    return outcomes, baseline


def study_settings(penalties, alphas):
    """The models of a study, by the name their figures and curves carry.

    A penalty's name alone when it appears once (``"l1"``), with its alpha
    when it appears with several (``"l2-0.01"``, ``"l2-1"``). ``"none"``
    has no strength: its alpha is recorded as 0.

    Parameters
    ----------
    penalties : sequence of str
    alphas : sequence of float

    Returns
    -------
    settings : dict of str to (str, float)
        Key to ``(penalty, alpha)``, in the given order.

    Raises
    ------
    ValueError
        If the same penalty and alpha are asked for twice.
    """
    pairs = [
        (name, 0.0 if name == "none" else float(alpha))
        for name, alpha in zip(penalties, alphas, strict=True)
    ]
    if len(set(pairs)) != len(pairs):
        raise ValueError(
            f"The same penalty and alpha appear twice in --penalties/--alphas "
            f"{pairs}; each model must differ."
        )
    counts = {name: sum(n == name for n, _ in pairs) for name, _ in pairs}
    return {
        (name if counts[name] == 1 else f"{name}-{alpha:g}"): (name, alpha)
        for name, alpha in pairs
    }


def run_study(config=None, progress=None):
    """Run the weight-decay study.

    Parameters
    ----------
    config : StudyConfig, optional
        Settings; the reference experiment by default.
    progress : Progress, optional
        Where progress goes; silent by default.

    Returns
    -------
    result : dict
        ``rows`` (one summary dict per penalty), ``baseline`` (the randomly
        initialised autoencoder's figures, or None), ``gaussian`` (the
        held-out log-likelihood of a full-covariance Gaussian fitted to the
        training patches), ``models`` (key to ``(rbm, refiner)``, keys
        from :func:`study_settings`), ``samples`` (key to samples of the
        RBM), ``X_val``, ``config`` and ``seconds``.
    """
    config = config or StudyConfig()
    progress = progress or Progress(enabled=False)
    if len(config.penalties) != len(config.alphas):
        raise ValueError(
            f"--penalties and --alphas must have the same length; got "
            f"{len(config.penalties)} penalties and {len(config.alphas)} alphas."
        )
    unknown = sorted(set(config.penalties) - set(PENALTIES))
    if unknown:
        raise ValueError(
            f"Unknown penalty {unknown[0]!r}; choose from {sorted(PENALTIES)}."
        )
    settings = study_settings(config.penalties, config.alphas)
    tic = time.perf_counter()
    X_train, X_val = load_study_data(config)
    outcomes, trained_baseline = train_models(
        settings, X_train, X_val, config, progress
    )
    rows, models, samples = [], {}, {}
    for key, (row, rbm, refiner, model_samples) in outcomes.items():
        rows.append(row)
        models[key] = (rbm, refiner)
        samples[key] = model_samples
    gaussian = {
        "val_log_likelihood": float(EmpiricalCovariance().fit(X_train).score(X_val))
    }
    baseline = None
    if trained_baseline is not None:
        baseline, random_ae = trained_baseline
        models["random"] = (None, random_ae)
    return {
        "rows": rows,
        "baseline": baseline,
        "gaussian": gaussian,
        "models": models,
        "samples": samples,
        "X_val": X_val,
        "config": config,
        "seconds": time.perf_counter() - tic,
    }


COLUMNS = [
    ("penalty", "penalty", "{}"),
    ("alpha", "alpha", "{:g}"),
    ("zero_fraction", "exact zeros", "{:.1%}"),
    ("mean_abs_weight", "mean abs w", "{:.4f}"),
    ("roughness", "roughness", "{:.3f}"),
    ("localization", "localization", "{:.3f}"),
    ("train_mse", "train MSE", "{:.4f}"),
    ("val_mse", "val MSE", "{:.4f}"),
    ("val_log_likelihood", "val log-lik", "{:.2f}"),
    (
        "val_log_likelihood_lower",
        "val log-lik bracket",
        "[{:.2f}, {row[val_log_likelihood_upper]:.2f}]",
    ),
    ("train_mse_refined", "train MSE refined", "{:.5f}"),
    ("val_mse_refined", "val MSE refined", "{:.5f}"),
    ("rbm_seconds", "RBM s", "{:.1f}"),
    ("refine_seconds", "refine s", "{:.1f}"),
]


def likelihood_note(result):
    """What the log-likelihood columns are, and the Gaussian to compare with."""
    config = result["config"]
    methods = {row["log_partition"]["method"] for row in result["rows"]}
    widths = ", ".join(
        f"{row['val_log_likelihood_upper'] - row['val_log_likelihood_lower']:.2f}"
        for row in result["rows"]
    )
    if methods == {"exact"}:
        how = "log Z exact"
    else:
        how = (
            f"log Z by AIS ({config.ais_temperatures} temperatures, "
            f"{config.ais_chains} chains), bracket widths {widths} nats"
        )
    seconds = sum(row["likelihood_seconds"] for row in result["rows"])
    gaussian = result["gaussian"]["val_log_likelihood"]
    return (
        f"val log-lik: mean held-out log-likelihood of the RBM, nats per patch "
        f"(standardized units; {how}; {seconds:.1f} s in all). A full-covariance "
        f"Gaussian fitted to the same training patches: {gaussian:+.2f}."
    )


def summary_markdown(result):
    """The summary table and the notes below it, as Markdown."""
    header = "| " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    lines = [header, rule]
    for row in result["rows"]:
        cells = [fmt.format(row[key], row=row) for key, _, fmt in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(likelihood_note(result))
    baseline = result["baseline"]
    if baseline is not None:
        lines.append("")
        lines.append(
            f"Randomly initialised autoencoder, same refinement epochs: train MSE "
            f"{baseline['train_mse']:.5f}, val MSE {baseline['val_mse']:.5f}."
        )
    lines.append("")
    lines.append(f"Total time: {result['seconds']:.1f} s.")
    return "\n".join(lines) + "\n"


def summary_json(result):
    """The figures of the study as a JSON-serialisable dict."""
    config = asdict(result["config"])
    config["images"] = [str(p) for p in config["images"]] if config["images"] else None
    curves = {
        name: {
            "rbm": list(rbm.loss_curve_) if rbm is not None else None,
            "refined": list(refiner.loss_curve_),
        }
        for name, (rbm, refiner) in result["models"].items()
    }
    return {
        "config": config,
        "penalties": result["rows"],
        "baseline": result["baseline"],
        "gaussian": result["gaussian"],
        "loss_curves": curves,
        "seconds": result["seconds"],
    }


def write_outputs(result, out):
    """Write the figures, ``summary.json`` and ``summary.md`` into ``out``.

    Returns
    -------
    paths : list of Path
        The files written.
    """
    from ._study_figures import write_figures

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = write_figures(result, out)
    (out / "summary.json").write_text(json.dumps(summary_json(result), indent=2))
    (out / "summary.md").write_text(summary_markdown(result))
    return [*paths, out / "summary.json", out / "summary.md"]
