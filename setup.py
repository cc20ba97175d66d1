"""Build the compiled engine: every .pyx under entree/tree/_kernels is one extension.

Kernels use typed memoryviews only (no numpy C API), so no include directory is needed.
OpenMP is used where the compiler supports it; otherwise the kernels build serial.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

KERNELS = Path("entree") / "tree" / "_kernels"


def _openmp_flags(compiler_cmd: list[str]) -> list[str]:
    """-fopenmp when the C compiler accepts it and links it; [] otherwise."""
    if sys.platform == "win32" or os.environ.get("ENTREE_NO_OPENMP"):
        return []
    source = "#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "check.c"
        path.write_text(source)
        try:
            result = subprocess.run(
                [*compiler_cmd, "-fopenmp", str(path), "-o", str(Path(tmp) / "check")],
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return []
    return ["-fopenmp"] if result.returncode == 0 else []


class BuildKernels(build_ext):
    """Adds -O3 and, where available, OpenMP to every kernel."""

    def build_extensions(self):
        compiler = getattr(self.compiler, "compiler_so", None) or [
            shutil.which("cc") or "cc"
        ]
        openmp = _openmp_flags([compiler[0]])
        if not openmp:
            print("entree: building the kernels without OpenMP (serial)")
        for ext in self.extensions:
            ext.extra_compile_args = ["-O3", *openmp]
            ext.extra_link_args = [*openmp]
        super().build_extensions()


# ENTREE_KERNELS=name,name builds only those (for quick rebuilds while developing:
# python setup.py build_ext --inplace -t /tmp/build-<name>).
_only = {name for name in os.environ.get("ENTREE_KERNELS", "").split(",") if name}

extensions = [
    Extension(
        f"entree.tree._kernels.{path.stem}",
        [str(path)],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )
    for path in sorted(KERNELS.glob("*.pyx"))
    if not _only or path.stem in _only
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    ),
    cmdclass={"build_ext": BuildKernels},
)
