/// Pure operations on the department hierarchy, given as (id, parent) pairs.
public struct DepartmentTree: Sendable {
    private var children: [Int64: [Int64]] = [:]
    private var parents: [Int64: Int64?] = [:]

    public init(_ nodes: [(id: Int64, parentID: Int64?)]) {
        for node in nodes {
            parents[node.id] = node.parentID
            if let parent = node.parentID { children[parent, default: []].append(node.id) }
        }
    }

    /// `root` and every department below it. Safe on a corrupted tree with a cycle.
    public func subtree(of root: Int64) -> Set<Int64> {
        var seen: Set<Int64> = [root]
        var stack = [root]
        while let next = stack.popLast() {
            for child in children[next] ?? [] where !seen.contains(child) {
                seen.insert(child)
                stack.append(child)
            }
        }
        return seen
    }

    /// Would making `newParent` the parent of `id` create a cycle (itself or a descendant)?
    public func wouldCycle(moving id: Int64, under newParent: Int64) -> Bool {
        subtree(of: id).contains(newParent)
    }

    /// The chain from `id` up to its root, starting with `id`.
    public func ancestry(of id: Int64) -> [Int64] {
        var chain: [Int64] = []
        var current: Int64? = id
        while let node = current, !chain.contains(node) {
            chain.append(node)
            current = parents[node] ?? nil
        }
        return chain
    }
}
