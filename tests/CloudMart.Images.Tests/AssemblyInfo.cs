// The labs share two cores with each other and with docker: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
