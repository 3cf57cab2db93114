// One cluster, one lab in it: every test runs after the one before, in the order of their names.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
