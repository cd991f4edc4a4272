namespace DataForge.Packing.Layout;

/// <summary>
/// One layout worker's buffers, reused from document to document: the token, loss and modality lists a document is
/// built in and the ids of a template's text runs. A fresh set per document allocated about ten bytes per input
/// character (the lists are sized from the text before tokenizing) and was most of pack's garbage (issue 21).
/// Not thread-safe: one worker holds it at a time, with its tokenizer session.
/// </summary>
public sealed class LayoutScratch
{
    private DocumentLayout.Builder _builder = new();

    internal DocumentLayout.Builder Builder
    {
        get
        {
            // A very long document's lists are not kept for the rest of the run.
            if (_builder.Oversized)
            {
                _builder = new DocumentLayout.Builder();
            }

            return _builder;
        }
    }

    internal List<int> TextIds { get; } = [];
}
