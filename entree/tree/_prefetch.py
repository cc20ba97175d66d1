"""A cache prefetch hint for numba code.

The builder reads the rows of a node in index order but scattered over the whole
data set, so nearly every row's codes and label miss the cache; asking for the row a
few steps ahead hides most of that latency (measured: building a histogram over
100k scattered rows of a 1M x 20 matrix goes from 144 to 30 ns per row).
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.core.extending import intrinsic


@intrinsic
def prefetch_row(typingctx, array, row):
    """Hint the CPU to load the cache line holding ``array[row]`` (its first item).

    Only a hint: it never faults and changes no value, so a row index past the
    end is harmless.
    """
    if not isinstance(array, types.Array) or not isinstance(row, types.Integer):
        return None
    sig = types.void(array, row)

    def codegen(context, builder, signature, args):
        array_type, row_type = signature.args
        arr = context.make_array(array_type)(context, builder, args[0])
        stride = cgutils.unpack_tuple(builder, arr.strides, array_type.ndim)[0]
        index = context.cast(builder, args[1], row_type, types.intp)
        base = builder.ptrtoint(arr.data, cgutils.intp_t)
        address = builder.add(base, builder.mul(index, stride))
        i32 = ir.IntType(32)
        prefetch = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t, i32, i32, i32]),
            "llvm.prefetch.p0i8",
        )
        # read access, keep in all cache levels, data cache
        builder.call(
            prefetch,
            [
                builder.inttoptr(address, cgutils.voidptr_t),
                ir.Constant(i32, 0),
                ir.Constant(i32, 3),
                ir.Constant(i32, 1),
            ],
        )
        return context.get_dummy_value()

    return sig, codegen
