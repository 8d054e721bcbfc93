import PropertyBased
import RapportDomain
import Testing

@Suite struct DepartmentTreeTests {
    @Test func subtree_holds_the_root_and_every_descendant() {
        let tree = DepartmentTree([(1, nil), (2, 1), (3, 2), (4, 1), (5, nil)])
        #expect(tree.subtree(of: 1) == [1, 2, 3, 4])
        #expect(tree.subtree(of: 2) == [2, 3])
        #expect(tree.subtree(of: 5) == [5])
        #expect(tree.ancestry(of: 3) == [3, 2, 1])
    }

    @Test func moving_under_itself_or_a_descendant_is_a_cycle() {
        let tree = DepartmentTree([(1, nil), (2, 1), (3, 2)])
        #expect(tree.wouldCycle(moving: 1, under: 3))
        #expect(tree.wouldCycle(moving: 2, under: 2))
        #expect(!tree.wouldCycle(moving: 3, under: 1))
    }

    @Test func a_corrupted_tree_with_a_cycle_does_not_hang() {
        let tree = DepartmentTree([(1, 2), (2, 1)])
        #expect(tree.subtree(of: 1) == [1, 2])
        #expect(tree.ancestry(of: 1) == [1, 2])
    }

    @Test func every_node_is_in_its_ancestors_subtrees() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            let world = World(seed: seed)
            let tree = world.tree
            for node in world.departments {
                for ancestor in tree.ancestry(of: node.id) {
                    #expect(tree.subtree(of: ancestor).contains(node.id))
                }
            }
        }
    }
}
