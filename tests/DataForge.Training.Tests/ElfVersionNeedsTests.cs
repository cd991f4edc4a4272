using DataForge.Build;
using DataForge.Testing;

namespace DataForge.Training.Tests;

public sealed class ElfVersionNeedsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Shim => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_built_shim_asks_for_GLIBCXX_3_4_32_only_weakly_and_its_other_needs_are_untouched()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(Shim));

        var glibcxx = Assert.Single(needs, need => need.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", glibcxx.File);
        Assert.NotEqual(0, glibcxx.Flags & ElfVersionNeeds.WeakFlag);
        Assert.All(needs.Where(need => need.Version != "GLIBCXX_3.4.32"), need => Assert.Equal(0, need.Flags & ElfVersionNeeds.WeakFlag));
    }

    [Fact]
    public void Marking_changes_two_bytes_once_and_is_idempotent()
    {
        var copy = _temp.Combine("lib.so");
        var bytes = File.ReadAllBytes(Shim);
        var need = ElfVersionNeeds.Read(bytes).Single(n => n.Version == "GLIBCXX_3.4.32");
        bytes[need.FlagsOffset] &= unchecked((byte)~ElfVersionNeeds.WeakFlag);
        File.WriteAllBytes(copy, bytes);

        Assert.Equal(1, ElfVersionNeeds.MarkWeak(copy, "GLIBCXX_3.4.32"));
        var once = File.ReadAllBytes(copy);
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(copy, "GLIBCXX_3.4.32"));

        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal([need.FlagsOffset], Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != once[i]).Select(i => (long)i));
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(copy, "GLIBCXX_9.9"));
    }

    [Fact]
    public void A_file_that_is_not_elf64_is_refused()
    {
        var text = _temp.Combine("not.so");
        File.WriteAllText(text, "#!/bin/sh\necho not a library\n" + new string('x', 100));

        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(text, "GLIBCXX_3.4.32"));
    }
}
