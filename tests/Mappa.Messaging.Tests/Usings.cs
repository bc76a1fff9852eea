global using Xunit;
global using Xunit.Abstractions;

// Each test starts real hosts against real servers; two at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
