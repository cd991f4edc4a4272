using System.Runtime.InteropServices;

namespace DataForge.Core.Storage;

/// <summary>What a path is, without opening it: .NET reports FIFOs, devices and sockets as normal files, and opening a
/// FIFO blocks until a writer comes (a hang), reading /dev/zero never ends.</summary>
public enum EntryKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// <c>statx(2)</c> through libc on Linux: <c>struct statx</c> has one layout on every architecture (unlike
/// <c>struct stat</c>), so one declaration serves x64 and arm64. Elsewhere only what .NET tells apart.
/// </summary>
public static partial class EntryKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // stx_mode (u16) in struct statx, linux/stat.h

    /// <summary>The kind of <paramref name="path"/> itself (a symlink is <see cref="EntryKind.Symlink"/>).</summary>
    public static EntryKind OfLink(string path) => Of(path, followLinks: false);

    /// <summary>The kind of what <paramref name="path"/> leads to after its symlinks.</summary>
    public static EntryKind OfTarget(string path) => Of(path, followLinks: true);

    private static EntryKind Of(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            if (!followLinks && info.LinkTarget is not null)
            {
                return EntryKind.Symlink;
            }

            return Directory.Exists(path) ? EntryKind.Directory : File.Exists(path) ? EntryKind.Regular : EntryKind.Missing;
        }

        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return EntryKind.Missing;
        }

        var mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
        return mode switch
        {
            0x8000 => EntryKind.Regular,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.Symlink,
            0x1000 => EntryKind.Fifo,
            0x2000 => EntryKind.CharacterDevice,
            0x6000 => EntryKind.BlockDevice,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
    }

    /// <summary>Words for a kind that is not a file to read, for a reject message.</summary>
    public static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Fifo => "a FIFO (named pipe)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        EntryKind.Directory => "a folder",
        EntryKind.Missing => "missing (a dangling symlink?)",
        _ => "not a regular file",
    };

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
