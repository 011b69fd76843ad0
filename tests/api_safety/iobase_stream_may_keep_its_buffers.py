# MicroPython's io.IOBase (patches/micropython/0002) hands a subclass's readinto() and write()
# buffers that own their memory: a stream that keeps them (or slices and memoryviews of them)
# reads, after the call, the bytes it was given, where it used to hold views of the caller's C
# stack (json.load() reads into one stack byte, json.dump() writes from stack buffers) that
# later calls overwrote. A count outside 0..len(buf) raises OSError naming the method.
import gc
import io
import json

DOC = '[12345, "abc", {"k": -678}]'


class Keeper(io.IOBase):
    def __init__(self, text=""):
        self.text = text.encode()
        self.pos = 0
        self.read_kept = []  # (buffer, memoryview of it, the bytes it held on return)
        self.write_kept = []
        self.extra = 0

    def readinto(self, buf):
        n = min(len(buf), len(self.text) - self.pos)
        buf[:n] = self.text[self.pos : self.pos + n]
        self.pos += n
        self.read_kept.append((buf, memoryview(buf), bytes(buf[:n])))
        return n + self.extra if n else n

    def write(self, buf):
        self.write_kept.append((buf, buf[:], bytes(buf)))
        return len(buf) + self.extra


def scribble():
    # Calls that reuse the C stack and the heap.
    for i in range(50):
        json.dumps([i, str(i) * 10, {"x": i}])
    gc.collect()


reader = Keeper(DOC)
print("json.load:", json.load(reader))
scribble()
print("kept read buffers unchanged:", all(bytes(b[: len(h)]) == h and bytes(v[: len(h)]) == h for b, v, h in reader.read_kept))
print("read buffers kept:", len(reader.read_kept) > 1)

writer = Keeper()
json.dump(json.loads(DOC), writer)
scribble()
print("kept write buffers unchanged:", all(bytes(b) == h and bytes(s) == h for b, s, h in writer.write_kept))
print("written:", b"".join(h for _, _, h in writer.write_kept).decode())

for method in ("readinto", "write"):
    liar = Keeper(DOC)
    liar.extra = 3
    try:
        if method == "readinto":
            json.load(liar)
        else:
            json.dump([1, 2], liar)
        print(method, "lie: accepted")
    except OSError as e:
        print(method, "lie: OSError", method + "()" in str(e.args[0]))
