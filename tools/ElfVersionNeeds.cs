// Marks version needs of an ELF64 shared library as weak (VER_FLG_WEAK), so the dynamic loader lets the library
// load where a versioned symbol set it names is missing. Written for TorchSharp's libLibTorchSharp.so, which asks for
// GLIBCXX_3.4.32 only because GCC 13 emits a reference to std::ios_base_library_init(), a link-time marker for
// <iostream> that nothing calls; Debian 12's libstdc++ stops at GLIBCXX_3.4.30. A weak need that is missing is
// skipped by ld.so, and the marker is never called, so the library loads and works; the system's libstdc++ is not
// touched. The file is changed in place only when a flag changes (idempotent), and only the two flag bytes of each
// matching entry are written.
//
// Compiled twice: as the MSBuild inline task of Directory.Build.targets (patching build and publish outputs), and
// into the tests (tests/DataForge.Training.Tests, with ELF_VERSION_NEEDS_ONLY defined: no MSBuild there), which check
// it on the real library and on synthetic files.
#pragma warning disable IDE0161 // a block namespace: MSBuild's inline task compiler may predate file-scoped ones
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DataForge.Build
{
    public static class ElfVersionNeeds
    {
        public const ushort WeakFlag = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Each version need of the file: (library, version name, flags, file offset of the flags).</summary>
        public static List<(string File, string Version, ushort Flags, long FlagsOffset)> Read(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException("only little-endian ELF64 files are supported");
            }

            var sectionHeaders = (long)U64(elf, 0x28);
            int entrySize = U16(elf, 0x3a), count = U16(elf, 0x3c);
            var needs = new List<(string, string, ushort, long)>();
            for (var index = 0; index < count; index++)
            {
                var header = sectionHeaders + ((long)index * entrySize);
                if (U32(elf, header + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                var offset = (long)U64(elf, header + 0x18);
                var link = U32(elf, header + 0x28);
                var strings = (long)U64(elf, sectionHeaders + ((long)link * entrySize) + 0x18);
                var entries = U32(elf, header + 0x2c); // sh_info: number of Verneed entries
                var need = offset;
                for (var n = 0; n < entries; n++)
                {
                    int auxCount = U16(elf, need + 2);
                    var file = Text(elf, strings + U32(elf, need + 4));
                    var aux = need + U32(elf, need + 8);
                    for (var a = 0; a < auxCount; a++)
                    {
                        needs.Add((file, Text(elf, strings + U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                        aux += U32(elf, aux + 12);
                    }

                    need += U32(elf, need + 12);
                }
            }

            return needs;
        }

        /// <summary>Sets the weak flag on every need of <paramref name="version"/>; returns how many flags changed (0 when already weak).</summary>
        public static int MarkWeak(string path, string version)
        {
            var elf = File.ReadAllBytes(path);
            var changed = 0;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                foreach (var need in Read(elf))
                {
                    if (need.Version == version && (need.Flags & WeakFlag) == 0)
                    {
                        var flags = (ushort)(need.Flags | WeakFlag);
                        file.Position = need.FlagsOffset;
                        file.WriteByte((byte)flags);
                        file.WriteByte((byte)(flags >> 8));
                        changed++;
                    }
                }
            }

            return changed;
        }

        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint U32(byte[] b, long at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private static string Text(byte[] b, long at)
        {
            var end = at;
            while (end < b.Length && b[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
        }
    }

#if !ELF_VERSION_NEEDS_ONLY
    /// <summary>The MSBuild side (Directory.Build.targets): one message per file it changed.</summary>
    public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; } = string.Empty;

        public override bool Execute()
        {
            foreach (var file in Files)
            {
                var changed = ElfVersionNeeds.MarkWeak(file.ItemSpec, Version);
                if (changed > 0)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"{file.ItemSpec}: version need {Version} marked weak");
                }
            }

            return true;
        }
    }
#endif
}
