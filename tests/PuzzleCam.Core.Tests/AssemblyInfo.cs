// libtorch's random generator and thread settings are process-wide: tests that seed it and then build or train a
// model would see each other's draws if their classes ran in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
