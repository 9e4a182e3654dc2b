import CKernels

/// Passes allocate and free buffers of megabytes (logits at the scored positions, activations)
/// thousands of times a run. glibc maps each such block from fresh pages, which the kernel zeroes on
/// first touch, and unmaps it on free: a fifth of a meta-training step went to page faults and
/// page clearing. Kept in the heap, the freed blocks are reused.
public enum HeapReuse {
    /// Call once at process start.
    public static func enable() { ie_keep_freed_buffers() }
}
