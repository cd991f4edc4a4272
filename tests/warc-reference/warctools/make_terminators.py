"""Extracts warctools' record-terminator test (WarcRecordTerminatorTest) into terminators.json for WarcReaderTests.

Origin: internetarchive/warctools, hanzo/warctools/tests/test_warctools.py at commit 36d7e8f (MIT licence): two WARC
records, each separator it tests ("anything works as long as it contains only \\r and \\n and ends with \\n"), the
same two records as gzip members, and what warctools expects of them (types, content types, lengths, contents).
Run with the path of that file: python3 make_terminators.py PATH/test_warctools.py > terminators.json
"""
import ast
import base64
import json
import sys

source = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(source)
warc_test = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "WarcRecordTerminatorTest")
constants = {}
for statement in warc_test.body:
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        # Byte literals joined with +: evaluated with no names in scope.
        constants[statement.targets[0].id] = eval(compile(ast.Expression(statement.value), "test_warctools.py", "eval"), {"__builtins__": {}})
run_test = next(node for node in warc_test.body if isinstance(node, ast.FunctionDef) and node.name == "runTest")
terminators = [ast.literal_eval(call.args[0]) for call in ast.walk(run_test) if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "_test_terminator"]

b64 = lambda data: base64.b64encode(data).decode("ascii")
json.dump(
    {
        "origin": "internetarchive/warctools hanzo/warctools/tests/test_warctools.py @36d7e8f (MIT), WarcRecordTerminatorTest",
        "record1": b64(constants["RECORD1"]),
        "record2": b64(constants["RECORD2"]),
        "records_gz": b64(constants["RECORD1_GZ"] + constants["RECORD2_GZ"]),
        "terminators": [b64(t) for t in terminators],
        "expected": [
            {"type": "warcinfo", "content_type": "application/warc-fields", "content_length": 30, "content": b64(b"format: WARC File Format 1.0\r\n")},
            {"type": "response", "content_type": "application/http;msgtype=response", "content_length": 78,
             "content": b64(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n01234567890\r\n")},
        ],
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
