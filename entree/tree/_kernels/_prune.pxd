# C4.5's error estimate, shared with the subtree-raising kernels (_raising.pyx).

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t


cpdef float64_t added_errors(float64_t n, float64_t e, float64_t confidence,
                             float64_t z) noexcept nogil

cdef float64_t leaf_errors(const float64_t *counts, Py_ssize_t n_classes,
                           float64_t confidence, float64_t z,
                           float64_t *errors) noexcept nogil

cdef void prune_nodes(const int64_t *first_child, const int64_t *n_children,
                      const float64_t *value, Py_ssize_t n_nodes, Py_ssize_t n_classes,
                      float64_t confidence, float64_t z, bint collapse,
                      uint8_t *is_leaf, float64_t *estimated,
                      float64_t *training) noexcept nogil

cdef Py_ssize_t breadth_first_order(const int64_t *first_child,
                                    const int64_t *n_children, const uint8_t *is_leaf,
                                    Py_ssize_t n_nodes, int64_t *order,
                                    int64_t *ptr) noexcept nogil
