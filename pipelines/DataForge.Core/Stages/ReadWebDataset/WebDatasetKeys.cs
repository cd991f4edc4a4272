namespace DataForge.Core.Stages.ReadWebDataset;

/// <summary>
/// How the webdataset library names a member's sample and field (webdataset/tariterators.py, base_plus_ext): the key
/// is the member's path up to the first dot of its last component, the extension everything after that dot, lower-cased
/// (<c>dir/000123.seg.png</c> is key <c>dir/000123</c>, field <c>seg.png</c>). A sample is a run of consecutive members
/// of one key.
/// </summary>
public static class WebDatasetKeys
{
    public static (string Key, string Extension)? Split(string member)
    {
        var slash = member.LastIndexOf('/');
        var dot = member.IndexOf('.', slash + 1);
        if (dot <= slash + 1 || dot == member.Length - 1)
        {
            return null; // no extension, or a hidden name (".DS_Store"): no field of any sample
        }

        return (member[..dot], member[(dot + 1)..].ToLowerInvariant());
    }

    /// <summary>The image kind an extension names (its last dot-part: <c>0.jpg</c> is a jpg), or null.</summary>
    public static bool IsImage(string extension) => LastPart(extension) is "jpg" or "jpeg" or "png" or "webp" or "gif" or "bmp";

    public static bool IsWav(string extension) => LastPart(extension) == "wav";

    public static bool IsText(string extension) => extension is "txt" or "text" or "caption";

    /// <summary>Short text fields img2dataset and classification sets write (a class id, an index, a key).</summary>
    public static bool IsField(string extension) => extension is "cls" or "cls2" or "idx" or "id" or "index" or "url" or "key";

    public static string LastPart(string extension) => extension[(extension.LastIndexOf('.') + 1)..];
}
