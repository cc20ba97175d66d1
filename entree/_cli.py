"""Command-line interface: ``entree ...`` and ``python -m entree ...``.

Commands
--------
``entree evaluate [DATA]``
    Cross-validated accuracy, log-loss (nats and bits) and Brier score of a tree
    (10 stratified folds by default; ``--cv 0`` scores on the training data, which
    is optimistic). Without DATA it runs on the bundled ``vote`` dataset.
``entree fit DATA [--out model.json] [--print-depth N | --full]``
    Grow a tree, save it (before anything is printed), print it with the
    information gain of every split (a tree of more than 200 nodes prints its
    first levels unless ``--full``).
``entree predict model.json DATA [--proba] [--out FILE]``
    Predictions as CSV (to standard output unless ``--out``).
``entree explain model.json [DATA] [--rows N]``
    The model's tree and split table, or the path of each of DATA's first rows.
``entree datasets [NAME]``
    The bundled datasets, or one dataset's description, source and licence.

DATA is a CSV file or the name of a bundled dataset (a file of that name wins).
A step that takes a while (reading a big CSV, a slow fit) says so in one line
``entree: ...`` on standard error.
In a CSV the first row names the columns, an empty cell is a missing value, a
column whose present values are all numbers is numeric and any other column is
nominal. The target is ``--target COL``, by default the last column (for a bundled
dataset, its class column).

Exit codes: 0 success, 1 a problem with the data or a file (one line
``entree: error: ...`` on standard error), 2 a usage error (from argparse),
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING

import entree
from entree._atomic import atomic_write

# numpy, pandas, scikit-learn and the estimators are imported by the commands that
# use them, not here: the parser (``entree --help``) must answer at once.

DEFAULT_DATASET = "vote"
DEFAULT_FOLDS = 10
_MODELS = {"c45": ("C4.5", "C45Classifier"), "id3": ("ID3", "ID3Classifier")}

if TYPE_CHECKING:
    import pandas as pd


class CommandError(Exception):
    """A problem with the user's data or files: one line, exit code 1."""


def _one_line(text) -> str:
    return " ".join(str(text).split())


# -- notes on slow steps -----------------------------------------------------------
_BIG_CSV_BYTES = 10 * 2**20  # reading a CSV this large takes seconds
_SLOW_AFTER_SECONDS = 2.0  # a step still running this long says what it is doing


def _note(message: str) -> None:
    print(f"entree: {message}", file=sys.stderr, flush=True)


@contextmanager
def _note_if_slow(message: str):
    """Print one note on standard error if the block is still running after a while."""
    timer = threading.Timer(_SLOW_AFTER_SECONDS, _note, args=(message,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@contextmanager
def _interrupt_after():
    """Hold Ctrl-C until the block ends, then raise KeyboardInterrupt.

    pandas reads a big CSV with worker threads over a memory map; a
    KeyboardInterrupt landing in the middle can lose the interrupt or crash the
    process (SIGSEGV), so the read finishes first.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(1))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


# -- reading data ------------------------------------------------------------------
class Table:
    """A table read from DATA: the cells, where it came from, its target column."""

    def __init__(self, frame: pd.DataFrame, label: str, default_target: str):
        self.frame = frame
        self.label = label
        self.default_target = default_target


_CSV_OPTIONS = dict(
    keep_default_na=False,  # only an empty cell is missing ("NA" is a category)
    na_values=[""],
    skipinitialspace=True,
    encoding="utf-8",
)


def _is_text(column: pd.Series) -> bool:
    """Whether a column read from a CSV holds its cells' text (or nothing)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return True
    return pd.api.types.is_object_dtype(column) and pd.api.types.infer_dtype(
        column, skipna=True
    ) in ("string", "empty")


def _read_csv(
    path: str, text_columns=frozenset(), text_positions=frozenset()
) -> pd.DataFrame:
    """A CSV as pandas reads it: numbers parsed, any other column as stripped text.

    An empty cell is NaN. Columns pandas would turn into booleans (or mixed
    objects), and those named in ``text_columns`` or at ``text_positions`` (class
    labels, a model's nominal columns), are read again as their cells' text, so a
    label or category is exactly what the file says ("TRUE", "007").
    """
    import numpy as np
    import pandas as pd

    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0  # reported by read_csv below
    if size >= _BIG_CSV_BYTES:
        _note(f"reading {path} ({size / 2**20:.0f} MB)")
    try:
        with _interrupt_after():
            raw = pd.read_csv(path, **_CSV_OPTIONS)
        names = [str(name).strip() for name in raw.columns]
        wanted = {
            j % len(names) for j in text_positions if -len(names) <= j < len(names)
        }
        wanted |= {j for j, name in enumerate(names) if name in text_columns}
        again = [
            j
            for j in range(len(names))
            if not _is_text(raw.iloc[:, j])
            and (
                j in wanted
                or pd.api.types.is_bool_dtype(raw.iloc[:, j])
                or pd.api.types.is_object_dtype(raw.iloc[:, j])
            )
        ]
        if again and raw.shape[0]:
            with _interrupt_after():
                text = pd.read_csv(path, usecols=again, dtype=str, **_CSV_OPTIONS)
            for k, j in enumerate(again):
                raw[raw.columns[j]] = text.iloc[:, k].to_numpy()
    except FileNotFoundError:
        raise CommandError(
            f"{path}: no such file, nor a bundled dataset (see 'entree datasets')"
        ) from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a CSV file") from None
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path}: empty file, no header row to read") from None
    except pd.errors.ParserError as exc:
        raise CommandError(f"{path}: malformed CSV: {_one_line(exc)}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read: {exc.strerror or exc}") from None
    raw.columns = names
    if raw.shape[0] == 0:
        raise CommandError(f"{path}: no data rows below the header")
    for j in range(raw.shape[1]):
        column = raw.iloc[:, j]
        if _is_text(column):  # skipinitialspace strips the left side only
            raw.isetitem(j, column.str.strip().replace("", np.nan))
    return raw


def _read_table(spec: str, text_columns=frozenset(), text_positions=(-1,)) -> Table:
    """DATA as a table: a CSV path, or else the name of a bundled dataset."""
    if not os.path.exists(spec) and spec in entree.datasets.list_datasets():
        bunch = entree.datasets.load_dataset(spec, as_frame=True)
        target = entree.datasets.dataset_info(spec)["target"]
        return Table(bunch.frame, f"bundled dataset '{spec}'", target)
    raw = _read_csv(spec, text_columns, text_positions)
    return Table(raw, spec, str(raw.columns[-1]))


def _nominal_or_numeric(column: pd.Series) -> pd.Series:
    """Numbers if every present value is one, else a category column."""
    import numpy as np
    import pandas as pd

    if not (
        pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    ):
        if pd.api.types.is_integer_dtype(column):  # a CSV's whole numbers
            return column.astype(np.float64)
        return column  # bundled data already has its dtypes
    present = column.dropna()
    numbers = pd.to_numeric(present, errors="coerce")
    if numbers.notna().all():
        return pd.to_numeric(column).astype(np.float64)
    return column.astype("category")


def _split_target(table: Table, target: str | None):
    """(X, y) with typed feature columns and the target's labels as text."""
    import pandas as pd

    frame = table.frame
    target = table.default_target if target is None else target
    if target not in frame.columns:
        raise CommandError(
            f"target column '{target}' is not in {table.label}; its columns are: "
            + ", ".join(map(str, frame.columns))
        )
    if frame.shape[1] < 2:
        raise CommandError(
            f"{table.label} has only the target column '{target}', no features"
        )
    y = frame[target].astype(object)
    missing = int(pd.isna(y).sum())
    if missing:
        raise CommandError(
            f"target column '{target}' of {table.label} has {missing} missing "
            "value(s); remove those rows or choose another --target"
        )
    y = y.map(str).to_numpy(dtype=object)
    X = frame.drop(columns=[target])
    X = pd.DataFrame({name: _nominal_or_numeric(X[name]) for name in X.columns})
    return X, y, target


# -- models ------------------------------------------------------------------------
def _make_model(args):
    name, class_name = _MODELS[args.model]
    return name, getattr(entree, class_name)(max_depth=args.max_depth)


def _load_model(path: str):
    """The model and the column description its file holds (format v1)."""
    try:
        model = entree.load_model(path)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such model file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a model file") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except entree.ModelFileError as exc:
        raise CommandError(_one_line(exc)) from None
    # The model file documents its columns (see entree._persistence): which are
    # nominal and their categories, needed to read a CSV the way fit saw it.
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    columns = document["columns"]
    return model, columns, document.get("feature_names_in")


def _target_as_text(args) -> tuple[set, tuple]:
    """(names, positions) of the columns to read as text: the target's."""
    return ({args.target}, ()) if args.target is not None else (set(), (-1,))


def _nominal_as_text(columns: dict, names_in) -> tuple[set, tuple]:
    """(names, positions) of the columns to read as text: the model's nominal ones."""
    nominal = [j for j, is_nominal in enumerate(columns["is_nominal"]) if is_nominal]
    if names_in is None:  # fitted on an array: columns are matched by position
        return set(), tuple(nominal)
    return {str(columns["feature_names"][j]) for j in nominal}, ()


def _align(table: Table, columns: dict, names_in):
    """DATA's columns in the model's order and kinds; extra columns are ignored."""
    import numpy as np
    import pandas as pd

    frame = table.frame
    wanted = [str(name) for name in columns["feature_names"]]
    if names_in is None and list(map(str, frame.columns)) != wanted:
        # fitted on an array: columns are matched by position
        if frame.shape[1] != len(wanted):
            raise CommandError(
                f"{table.label} has {frame.shape[1]} columns but the model was fitted "
                f"on {len(wanted)} unnamed features"
            )
        frame = frame.set_axis(wanted, axis=1)
    absent = [name for name in wanted if name not in frame.columns]
    if absent:
        raise CommandError(
            f"{table.label} lacks column(s) the model needs: {', '.join(absent)}; "
            f"it has: {', '.join(map(str, frame.columns))}"
        )
    aligned = {}
    for name, nominal, categories in zip(
        wanted, columns["is_nominal"], columns["categories"]
    ):
        values = frame[name]
        if nominal:
            aligned[name] = _as_categories(values, categories)
        elif pd.api.types.is_numeric_dtype(values) and not (
            pd.api.types.is_bool_dtype(values)
        ):
            aligned[name] = values.astype(np.float64)
        else:
            values = values.astype(object)
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values.notna() & numbers.isna()
            if bad.any():
                example = values[bad].iloc[0]
                raise CommandError(
                    f"column '{name}' of {table.label} holds {example!r}, but the "
                    "model treats it as numeric"
                )
            aligned[name] = numbers.astype(np.float64)
    X = pd.DataFrame(aligned, index=frame.index)
    return X if names_in is not None else X.to_numpy(dtype=object)


def _as_categories(values: pd.Series, categories: list):
    """Each value as the model's category whose text it equals; others unchanged."""
    import numpy as np

    present = values.notna().to_numpy()
    text = values if _is_text(values) else values.astype(object).map(str)
    position = {str(category): k for k, category in enumerate(categories)}
    codes = text.map(position).to_numpy(dtype=np.float64, na_value=np.nan)
    matched = present & ~np.isnan(codes)
    result = values.astype(object).to_numpy(copy=True)
    result[matched] = np.asarray(categories, dtype=object)[codes[matched].astype(int)]
    return result


def _summary(model) -> str:
    return (
        f"{model.get_n_leaves()} leaves, depth {model.get_depth()}, "
        f"classes {', '.join(map(str, model.classes_))}"
    )


# -- commands ----------------------------------------------------------------------
def _command_fit(args) -> int:
    table = _read_table(args.data, *_target_as_text(args))
    X, y, target = _split_target(table, args.target)
    name, model = _make_model(args)
    with _note_if_slow(f"fitting {name} on {X.shape[0]} rows x {X.shape[1]} features"):
        model.fit(X, y)
    # Save before printing: a slow printout or Ctrl-C must not lose the model.
    if args.out:
        try:
            entree.save_model(model, args.out)
        except OSError as exc:
            raise CommandError(
                f"{args.out}: cannot write the model: {exc.strerror or exc}"
            ) from None
    print(
        f"{name} tree for '{target}' from {table.label} ({X.shape[0]} rows, "
        f"{X.shape[1]} features): {_summary(model)}"
    )
    if args.out:
        print(f"saved the model to {args.out}")
    print()
    shown = _depth_to_print(model.tree_, args.print_depth, args.full)
    print(entree.export_text(model, show_gain=True, max_depth=shown))
    if shown is not None and shown < model.get_depth():
        print(
            f"\n(the tree has {model.tree_.node_count} nodes and depth "
            f"{model.get_depth()}; shown to depth {shown}: --full prints it all, "
            "--print-depth N to depth N)"
        )
    return 0


_PRINT_ALL_UP_TO_NODES = 200  # larger trees print their first levels by default


def _depth_to_print(tree, print_depth: int | None, full: bool) -> int | None:
    """The depth ``entree fit`` prints the tree to (None: all of it)."""
    import numpy as np

    if full or print_depth is not None:
        return print_depth
    if tree.node_count <= _PRINT_ALL_UP_TO_NODES:
        return None
    # the deepest level such that the levels down to it hold at most 200 nodes
    nodes_down_to = np.cumsum(np.bincount(tree.depth))
    deepest = int(np.searchsorted(nodes_down_to, _PRINT_ALL_UP_TO_NODES, "right")) - 1
    return max(1, deepest)


class _Progress:
    """'fold 3/10' on standard error: rewritten in place on a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = False

    def __call__(self, fold_index: int, n_folds: int) -> None:
        text = f"fold {fold_index + 1}/{n_folds}"
        if self.tty:
            self.stream.write(f"\r{text}")
        else:
            self.stream.write(f"{text}\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r" + " " * 20 + "\r")
            self.stream.flush()


def _command_evaluate(args) -> int:
    import numpy as np
    import pandas as pd

    if args.data is None:
        args.data = DEFAULT_DATASET
        print(
            f"No DATA given: evaluating on the bundled dataset '{DEFAULT_DATASET}' "
            "(see 'entree datasets')."
        )
    table = _read_table(args.data, *_target_as_text(args))
    X, y, target = _split_target(table, args.target)
    name, model = _make_model(args)
    cv = args.cv if args.cv >= 2 else None
    if cv is not None:
        # stratified K-fold needs some class with at least K rows
        largest = int(pd.Series(y).value_counts().max())
        if largest < 2:
            raise CommandError(
                f"{table.label} has no class with 2 rows; cross-validation is "
                "impossible (use --cv 0 to score on the training data)"
            )
        if cv > largest:
            print(
                f"entree: note: the largest class of {table.label} has {largest} "
                f"rows; using {largest} folds instead of {cv}",
                file=sys.stderr,
            )
            cv = largest
    progress = None
    if cv is not None and (args.progress or sys.stderr.isatty()):
        progress = _Progress(sys.stderr)
    try:
        if cv is None:
            scores = entree.metrics.evaluate(model.fit(X, y), X, y)
        else:
            scores = entree.metrics.evaluate(
                model, X, y, cv=cv, random_state=args.seed, progress=progress
            )
    finally:
        if progress is not None:
            progress.close()
    if cv is None:
        how = "scored on its own training data (optimistic; use --cv K for honesty)"
    else:
        how = f"{cv}-fold stratified cross-validation (seed {args.seed})"
    print(f"{name} on {table.label}, target '{target}', {X.shape[0]} rows: {how}")

    def figure(key: str) -> str:
        text = f"{scores[key]:.4f}"
        if cv is not None:
            text += f" ± {scores[key + '_std']:.4f}"
        return text

    rows = [
        ("accuracy", figure("accuracy")),
        ("log-loss", f"{figure('log_loss_nats')} nats"),
        ("", f"{figure('log_loss_bits')} bits"),
        ("Brier score (multiclass sum, 0-2)", figure("brier")),
    ]
    if len(np.unique(y)) == 2:
        # for two classes sklearn's brier_score_loss is half the multiclass sum
        text = f"{scores['brier'] / 2:.4f}"
        if cv is not None:
            text += f" ± {scores['brier_std'] / 2:.4f}"
        rows.append(("Brier score (binary, as sklearn, 0-1)", text))
    width = max(len(label) for label, _ in rows)
    for label, text in rows:
        print(f"  {label:{width}}  {text}")
    return 0


def _command_predict(args) -> int:
    import numpy as np
    import pandas as pd

    model, columns, names_in = _load_model(args.model_file)
    table = _read_table(args.data, *_nominal_as_text(columns, names_in))
    X = _align(table, columns, names_in)
    with _note_if_slow(f"predicting {len(X)} rows"):
        proba = model.predict_proba(X)
    out = pd.DataFrame({"prediction": model.classes_[np.argmax(proba, axis=1)]})
    if args.proba:
        for k, label in enumerate(model.classes_):
            out[f"proba_{label}"] = np.round(proba[:, k], 6)
    if args.out:
        try:
            with atomic_write(args.out, newline="") as file:
                out.to_csv(file, index=False)
        except OSError as exc:
            raise CommandError(
                f"{args.out}: cannot write: {exc.strerror or exc}"
            ) from None
        print(f"wrote {len(out)} predictions to {args.out}")
    else:
        out.to_csv(sys.stdout, index=False)
    return 0


def _command_explain(args) -> int:
    model, columns, names_in = _load_model(args.model_file)
    kind = type(model).__name__
    if args.data is None:
        print(f"{kind} from {args.model_file}: {_summary(model)}")
        print()
        print(entree.export_text(model, show_gain=True))
        report = model.split_report()
        splits = report.loc[
            ~report["is_leaf"],
            [
                "depth",
                "test",
                "n_weighted",
                "entropy",
                "gain",
                "split_info",
                "gain_ratio",
            ],
        ]
        print()
        print("splits (information in bits):")
        print(splits.round(3).to_string() if len(splits) else "  (a single leaf)")
        return 0
    table = _read_table(args.data, *_nominal_as_text(columns, names_in))
    X = _align(table, columns, names_in)
    rows = X.iloc[: args.rows] if hasattr(X, "iloc") else X[: args.rows]
    for i, explanation in enumerate(entree.explain(model, rows)):
        if i:
            print()
        print(explanation)
    return 0


def _command_datasets(args) -> int:
    if args.name is not None:
        if args.name not in entree.datasets.list_datasets():
            raise CommandError(
                f"no bundled dataset '{args.name}'; the bundled datasets are: "
                + ", ".join(entree.datasets.list_datasets())
            )
        print(entree.datasets.load_dataset(args.name).DESCR, end="")
        return 0
    print(f"{'name':20} {'rows':>5} {'features':>17} {'missing':>7} {'classes':>7}")
    for name, description in entree.datasets.list_datasets().items():
        info = entree.datasets.dataset_info(name)
        n_nominal = sum(f["type"] == "nominal" for f in info["features"])
        kinds = f"{info['n_features']} ({n_nominal} nominal)"
        print(
            f"{name:20} {info['n_rows']:>5} {kinds:>17} {info['n_missing']:>7} "
            f"{len(info['classes']):>7}"
        )
        print(f"    {description}")
    print(
        "\nUse a name wherever a command takes DATA (e.g. 'entree evaluate penguins');"
        "\n'entree datasets NAME' shows its source, licence and citation."
    )
    return 0


# -- the parser --------------------------------------------------------------------
def _folds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0 or value == 1:
        raise argparse.ArgumentTypeError(
            f"{value}: use K >= 2 folds, or 0 to score on the training data"
        )
    return value


def _at_least_zero(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_model_options(parser) -> None:
    parser.add_argument(
        "--target",
        metavar="COL",
        help="class column (default: the last column, or a bundled dataset's class)",
    )
    parser.add_argument(
        "--model",
        choices=sorted(_MODELS),
        default="c45",
        help="c45: gain ratio and pruning (default); id3: information gain, unpruned",
    )
    parser.add_argument(
        "--max-depth",
        type=_positive,
        default=None,
        metavar="N",
        help="limit the depth of the tree",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the ``entree`` command."""
    parser = argparse.ArgumentParser(
        prog="entree",
        description="Decision trees from information theory (C4.5 / ID3).",
        epilog="DATA is a CSV file (empty cell = missing, non-numeric columns are "
        "nominal) or a bundled dataset name. 'entree COMMAND -h' for details.",
    )
    parser.add_argument(
        "--version", action="version", version=f"entree {entree.__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    fit = commands.add_parser(
        "fit",
        help="grow a tree, print it with its gains, optionally save it",
        description="Grow a tree on DATA and print it with every split's entropy, "
        "information gain, split information and gain ratio.",
    )
    fit.add_argument("data", metavar="DATA", help="CSV file or bundled dataset name")
    _add_model_options(fit)
    fit.add_argument("--out", metavar="MODEL.json", help="save the fitted model here")
    printout = fit.add_mutually_exclusive_group()
    printout.add_argument(
        "--print-depth",
        type=_at_least_zero,
        metavar="N",
        help="print the tree down to depth N only (the model keeps all of it); "
        f"by default a tree of more than {_PRINT_ALL_UP_TO_NODES} nodes prints "
        f"its first levels, up to about {_PRINT_ALL_UP_TO_NODES} nodes",
    )
    printout.add_argument(
        "--full", action="store_true", help="print the whole tree, however large"
    )
    fit.set_defaults(handler=_command_fit)

    ev = commands.add_parser(
        "evaluate",
        help="cross-validated accuracy, log-loss and Brier score",
        description="Accuracy, log-loss (nats and bits) and Brier score (the "
        "multiclass sum, 0-2; for two classes also sklearn's binary one, 0-1) under "
        f"stratified K-fold cross-validation (default {DEFAULT_FOLDS} folds). "
        f"Without DATA, runs on the bundled '{DEFAULT_DATASET}' dataset.",
    )
    ev.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help=f"CSV file or bundled dataset name (default: {DEFAULT_DATASET})",
    )
    _add_model_options(ev)
    ev.add_argument(
        "--cv",
        type=_folds,
        default=DEFAULT_FOLDS,
        metavar="K",
        help=f"number of folds (default {DEFAULT_FOLDS}); 0 scores the tree on its "
        "own training data",
    )
    ev.add_argument("--seed", type=int, default=0, help="fold shuffling seed")
    ev.add_argument(
        "--progress",
        action="store_true",
        help="report each fold on standard error (automatic on a terminal)",
    )
    ev.set_defaults(handler=_command_evaluate)

    predict = commands.add_parser(
        "predict",
        help="predict DATA's classes with a saved model (CSV output)",
        description="Write one CSV row per row of DATA: the predicted class and, "
        "with --proba, each class's probability. Columns the model does not use "
        "(such as the class) are ignored.",
    )
    predict.add_argument("model_file", metavar="MODEL.json")
    predict.add_argument("data", metavar="DATA")
    predict.add_argument("--proba", action="store_true", help="add probabilities")
    predict.add_argument("--out", metavar="FILE", help="write here, not to stdout")
    predict.set_defaults(handler=_command_predict)

    explain = commands.add_parser(
        "explain",
        help="show a saved model's splits, or why rows get their class",
        description="Without DATA, print the model's tree and its table of splits; "
        "with DATA, the path of each of the first rows through the tree (a missing "
        "value sends a row down every branch, weighted).",
    )
    explain.add_argument("model_file", metavar="MODEL.json")
    explain.add_argument("data", nargs="?", metavar="DATA")
    explain.add_argument(
        "--rows",
        type=_positive,
        default=5,
        metavar="N",
        help="explain the first N rows (default 5)",
    )
    explain.set_defaults(handler=_command_explain)

    listing = commands.add_parser(
        "datasets",
        help="list the bundled datasets",
        description="List the bundled datasets, or describe one.",
    )
    listing.add_argument("name", nargs="?", metavar="NAME")
    listing.set_defaults(handler=_command_datasets)
    return parser


def _error(message: str) -> int:
    print(f"entree: error: {_one_line(message)}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the ``entree`` command line and return its exit code.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    code : int
        0 on success, 1 for a problem with the data or a file (reported in one
        line on standard error), 2 for a usage error, 130 if interrupted.

    Examples
    --------
    >>> from entree._cli import main
    >>> main(["fit", "play_tennis"])  # doctest: +ELLIPSIS
    C4.5 tree for 'class' from bundled dataset 'play_tennis' (14 rows, 4 features):
    5 leaves, depth 2, classes no, yes
    <BLANKLINE>
    outlook: n=14, entropy 0.940, gain 0.247, split info 1.577, gain ratio 0.156
    |--- outlook = sunny
    |   humidity: n=5, entropy 0.971, gain 0.971, split info 0.971, gain ratio 1.000
    ...
    0
    >>> main(["fit", "no-such-file.csv"])
    1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stdout)
        return 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = args.handler(args)
        for message in dict.fromkeys(str(w.message) for w in caught):
            print(f"entree: warning: {_one_line(message)}", file=sys.stderr)
        return code
    except CommandError as exc:
        return _error(str(exc))
    except BrokenPipeError:  # e.g. 'entree predict ... | head': stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except ValueError as exc:  # the estimator's own checks of the data
        return _error(str(exc))
    except OSError as exc:
        return _error(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return _interrupted()
    except SystemError as exc:
        # Ctrl-C inside compiled code can come back wrapped in a SystemError
        if _caused_by_interrupt(exc):
            return _interrupted()
        raise


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _interrupted() -> int:
    print("entree: interrupted", file=sys.stderr)
    return 130
