// These tests time real processes and retries; running them one at a time keeps one test's
// load (the auth-service's AOT publish, its memory load) from skewing another's timings.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
