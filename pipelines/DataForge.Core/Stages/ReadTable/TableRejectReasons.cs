using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadTable;

/// <summary>The reasons read-table rejects with.</summary>
public static class TableRejectReasons
{
    public static readonly RejectReason TableMissingColumn = new("table.missing_column", "The table has no column of the name given (or of any usual name); the message lists the columns it has.");

    public static readonly RejectReason TableInvalidRow = new("table.invalid_row", "A row cannot be read (a CSV row of the wrong width, a JSON row that is not an object, a key given twice).");

    public static readonly RejectReason TableRowIncomplete = new("table.row_incomplete", "A row has no text, or no image where the table has an image column.");

    public static readonly RejectReason TableImageMissing = new("table.image_missing", "The image a row names does not exist.");

    public static readonly RejectReason TableImagePathOutside = new("table.image_path_outside", "An image path is absolute, a URI, or leaves its folder, and allow_paths_outside is off.");

    public static readonly RejectReason TableEmpty = new("table.empty", "The table has no rows: a zero-byte file, a header alone, an empty JSON array.");

    public static readonly RejectReason TableImageUrl = new("table.image_url", "An image is named by an http(s) URL and fetch is off.");

    public static IReadOnlyList<RejectReason> All { get; } = [TableImageUrl, TableEmpty, TableMissingColumn, TableInvalidRow, TableRowIncomplete, TableImageMissing, TableImagePathOutside];
}
