# Split choice from one node's histogram (C4.5's rules), see _split.pyx.

from entree.tree._kernels._common cimport float64_t, int32_t, int64_t, uint8_t, uint64_t

cdef enum:
    CRITERION_GAIN = 0
    CRITERION_GAIN_RATIO = 1

# C4.5's tolerance in the average-gain filter and in gain comparisons.
cdef extern from *:
    """
    #define ENTREE_C45_EPSILON 1e-3
    """
    const float64_t C45_EPSILON "ENTREE_C45_EPSILON"


cdef struct SplitScore:
    float64_t selection   # gain used to choose the feature (-inf: unusable)
    float64_t gain        # information gain, scaled by the known fraction
    float64_t split_info
    int64_t lo            # last bin of the left branch (numeric), else -1
    int64_t hi            # first bin of the right branch (numeric), else -1


cdef struct Split:
    int64_t feature       # -1: no split
    float64_t gain
    float64_t split_info
    int64_t lo
    int64_t hi


# What scoring a node reads: the histogram layout, the options, the c log2 c table and,
# when ``whole`` is set by whole_count_tables, the node's whole-count tables.
cdef struct SplitContext:
    Py_ssize_t n_features
    Py_ssize_t n_classes
    const int64_t *bin_offset
    const int64_t *word_offset
    const int64_t *n_bins
    const uint8_t *is_nominal
    int criterion
    float64_t min_cases
    float64_t min_gain
    bint mdl
    const float64_t *table
    Py_ssize_t table_size
    float64_t *pair           # table_size + n_classes
    int64_t *pair_offset      # n_classes
    float64_t *total_pair     # table_size


# Scratch one thread needs to score features.
cdef struct ScoreWork:
    float64_t *known          # n_classes
    float64_t *left           # n_classes
    int64_t *left_count       # n_classes
    int64_t *active           # n_classes: the classes present at the node
    int64_t *present          # max n_bins + 1


cdef Py_ssize_t present_bins(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t nb,
    const uint64_t *bits, Py_ssize_t word_lo, bint use_bits, int64_t *present,
) noexcept nogil

cdef SplitScore score_feature(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t nb,
    bint nominal, Py_ssize_t n_classes, const float64_t *node_value,
    float64_t node_total, float64_t min_cases, bint mdl, float64_t *known,
    float64_t *left, const float64_t *table, Py_ssize_t table_size,
    const int64_t *present, Py_ssize_t n_present,
) noexcept nogil

cdef bint whole_count_tables(
    const float64_t *node_value, Py_ssize_t n_classes, float64_t node_total,
    const float64_t *table, Py_ssize_t table_size, float64_t *pair,
    int64_t *pair_offset, float64_t *total_pair,
) noexcept nogil

cdef SplitScore score_numeric_whole(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t n_classes,
    const float64_t *node_value, float64_t node_total, float64_t min_cases, bint mdl,
    const float64_t *table, const int64_t *present, Py_ssize_t n_present,
    const float64_t *pair, const int64_t *pair_offset, const float64_t *total_pair,
    int64_t *left_count, int64_t *active, const int32_t *bin_class, bint use_class,
) noexcept nogil

cdef Split choose_split(
    const SplitContext *ctx, const float64_t *hist, const float64_t *node_value,
    float64_t node_total, bint whole, const uint64_t *bits, bint use_bits,
    const int32_t *bin_class, ScoreWork *work, Py_ssize_t n_work,
    float64_t *work_sel, float64_t *work_gain, float64_t *work_info,
    int64_t *work_lo, int64_t *work_hi,
) noexcept nogil
