// Each test class starts the whole system and a browser; two at once would only make both slow on
// a small machine and blur the timings the failure tests check.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
