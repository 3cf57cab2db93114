// Each test class starts a whole local CloudMart (five services, nginx, sometimes the customers) and
// several time what it sees: run one after another, so that one class's start-up and load are not
// another's latency (a 15 s customers run beside two other systems starting saw sign-ins time out).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
