-- The fuzz driver of FuzzTests (issue 13): random values of every type into every Lua function and
-- method, and mutated real files into the file readers. A crash kills this process; the test then
-- names the case from the last "case" line and goes on from the next one in a new process.
--
--   instructedit Tests/Fuzz/fuzz.lua SEED FIRST LAST WORKDIR
--
-- WORKDIR/originals holds what the test made: tiny.gguf, editor.ckpt, tensor.npy, data/ (trimmed data
-- files) and hf/ (a Hugging Face checkpoint folder, when ../shared exists). Mutations are written to
-- WORKDIR (INSTRUCTEDIT_DATA points at WORKDIR/data), where random calls may also write files: the
-- originals stay untouched.
-- Each case draws from its own stream (math.randomseed(SEED, case)), so a case replays alone.

local seed, first, last, work = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3]), arg[4]

local function readfile(path)
  local f = io.open(path, "rb"); if not f then return nil end
  local s = f:read("a"); f:close(); return s
end
local function writefile(path, s)
  local f = assert(io.open(path, "wb")); f:write(s); f:close()
end

local source = work .. "/originals"
local originals = {
  gguf = readfile(source .. "/tiny.gguf"),
  ckpt = readfile(source .. "/editor.ckpt"),
  npy = readfile(source .. "/tensor.npy"),
  safetensors = readfile(source .. "/hf/model.safetensors"),
  hfconfig = readfile(source .. "/hf/config.json"),
  tokenizer = readfile(source .. "/hf/tokenizer.json"),
}
local datafiles = {}
for line in io.lines(source .. "/datafiles.txt") do datafiles[#datafiles + 1] = line end
local datatext = {}
for _, rel in ipairs(datafiles) do
  datatext[rel] = readfile(source .. "/data/" .. rel)
  os.execute("mkdir -p '" .. (work .. "/data/" .. rel):match("(.*)/") .. "'")
  writefile(work .. "/data/" .. rel, datatext[rel])
end
if originals.safetensors then
  os.execute("mkdir -p '" .. work .. "/hf'")
  writefile(work .. "/hf/tokenizer.json", originals.tokenizer)
end

m = model.load(source .. "/tiny.gguf")

-- Values ------------------------------------------------------------------------------------------

local R = math.random
local function pick(list) return list[R(#list)] end

local ints = {0, 1, -1, 2, 3, 4, 7, -7, 16, 255, 1000, 2^31, -2^31, 2^32, 2^53, 2^62, math.maxinteger,
              math.mininteger, 1e9, 1e12}
local floats = {0.5, -0.0, 1e-40, 1e30, -1e30, math.huge, -math.huge, 0/0, 3.14159, 1e308, -2.5}
local words = {"", "a", "the cat is in", " paris", "counterfact", "recent", "convsent", "zsre", "test",
               "train", "val", "mend", "ft", "viridis", "coolwarm", "\0", "\255\254", "%s%d%n",
               string.rep("x", 5000), "/nonexistent/file", work, work .. "/mutated.gguf",
               work .. "/mutated.ckpt", work .. "/mutated.npy", "out.npy", "mlp", "layers", "-- %%", "\n\n"}
local keys = {"rank", "step_size", "lr", "eps", "steps", "layers", "targets", "seed", "max_tokens",
              "temperature", "top_p", "stop", "eos", "stream", "data", "rows", "cols", "x", "y",
              "labels", "values", "groups", "title", "xlabel", "ylabel", "prompt", "target", "task",
              "instruct", "unseen", "description", "limit", "n", "tasks", "k", "dim", "keepdim",
              "annotate", "range", "colormap", "point_labels", "xlim", "ylim", "name", "cache", "path",
              "locality", "rephrase", "topic", "sentiment", "method", "editor", "options", 1, 2, 3}

local value -- forward

local function tensorValue(depth)
  local shapes = {{0}, {1}, {3}, {2, 3}, {1, 1, 1}, {0, 4}, {4, 0}, {2, 2, 2}, {}}
  if R(2) == 1 then
    -- Hostile shapes: a zero beside huge sizes holds no element but must not be a loophole.
    local dims = {}
    for i = 1, R(1, 4) do dims[i] = pick({0, 1, 2, 3, 2^20, 2^31, 2^62}) end
    if R(2) == 1 then dims[R(#dims)] = 0 end
    local ok, t = pcall(tensor.zeros, dims)
    if ok then return t end
  end
  local ok, t = pcall(tensor.randn, pick(shapes))
  return ok and t or tensor.zeros(1)
end

-- Results of earlier calls, fed back as arguments and receivers: hostile values are made in one
-- call and used in the next (a zero-sized tensor, then its reduction).
local pool = {}
local function remember(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "userdata" or type(v) == "table" then
      if #pool >= 24 then table.remove(pool, R(#pool)) end
      pool[#pool + 1] = v
    end
  end
end

local function tableValue(depth)
  local kind = R(5)
  local t = {}
  if kind == 1 then
    return t
  elseif kind == 2 then   -- a list of numbers
    for i = 1, R(0, 6) do t[i] = R(2) == 1 and pick(ints) or pick(floats) end
  elseif kind == 3 then   -- nested, maybe rectangular
    local n = R(0, 3)
    for i = 1, R(1, 3) do
      local row = {}
      for j = 1, n do row[j] = R(-3, 3) end
      t[i] = row
    end
  elseif kind == 4 then   -- options
    for _ = 1, R(1, 4) do t[pick(keys)] = value(depth + 1) end
  else                    -- a list of anything
    for i = 1, R(1, 4) do t[i] = value(depth + 1) end
  end
  return t
end

function value(depth)
  depth = depth or 0
  local k = R(depth > 2 and 6 or 10)
  if k == 1 then return nil
  elseif k == 2 then return R(2) == 1
  elseif k == 3 then return pick(ints)
  elseif k == 4 then return pick(floats)
  elseif k == 5 then return pick(words)
  elseif k == 6 then return R(-5, 5)
  elseif k == 7 then return tableValue(depth)
  elseif k == 8 then return tensorValue(depth)
  elseif k == 9 then return pick({m, m, function() return false end, function() error("boom") end,
                                 io.stdout, coroutine.create(function() end)})
  elseif #pool > 0 and R(2) == 1 then return pick(pool)
  else return pick({print, "x"}) end
end

local function describe(v)
  local t = type(v)
  if t == "string" then return #v > 20 and ("string#" .. #v) or string.format("%q", v) end
  if t == "number" then return tostring(v) end
  if t == "table" then
    local parts = {}
    for key, x in pairs(v) do
      parts[#parts + 1] = tostring(key) .. "=" .. (type(x) == "table" and "{...}" or describe(x))
      if #parts > 6 then break end
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  if t == "userdata" then return (getmetatable(v) or {}).__name or "userdata" end
  return t
end

-- Targets -----------------------------------------------------------------------------------------

-- Functions that would block or run for long on random but valid input, and model.load(nil), which
-- loads the full default model: left to their own tests.
local skip = {["sys.sleep"] = true, ["train.run"] = true, ["eval.run"] = true, ["model.load"] = true}

local functions = {}
for _, name in ipairs({"tensor", "model", "editor", "plot", "data", "eval", "analysis", "sys",
                       "templates", "help"}) do
  local t = _G[name]
  if type(t) == "table" then
    for key, f in pairs(t) do
      if type(f) == "function" and not skip[name .. "." .. key] then
        functions[#functions + 1] = {name .. "." .. key, f}
      end
    end
  elseif type(t) == "function" then
    functions[#functions + 1] = {name, t}
  end
end
table.sort(functions, function(a, b) return a[1] < b[1] end)

local function methodsOf(object)
  local mt = getmetatable(object)
  local list = {}
  if mt and type(mt.__methods) == "table" then
    for key, f in pairs(mt.__methods) do list[#list + 1] = key end
  end
  table.sort(list)
  return list
end

local function objects()
  local ed = editor.ft({steps = 1})
  local ok, mend = pcall(editor.mend, m, {rank = 2})
  local edit = nil
  if R(4) == 1 then
    local okEdit, e = pcall(function() return ed:edit(m, {prompt = "the cat is in", target = " paris"}) end)
    if okEdit then edit = e end
  end
  local list = {{"Tensor", tensorValue(0)}, {"Tensor", tensorValue(0)}, {"Model", m}, {"Editor", ed}}
  for _, v in ipairs(pool) do
    if type(v) == "userdata" and #methodsOf(v) > 0 then list[#list + 1] = {(getmetatable(v) or {}).__name or "object", v} end
  end
  if ok then list[#list + 1] = {"Editor", mend} end
  if edit then list[#list + 1] = {"Edit", edit} end
  return list
end

-- Mutations of real files ----------------------------------------------------------------------------

local crcTable = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = (c >> 1) ~ (0xEDB88320 & -(c & 1)) end
  crcTable[i] = c
end
local function crc32(s)
  local crc = 0xFFFFFFFF
  for i = 1, #s do crc = crcTable[(crc ~ s:byte(i)) & 0xFF] ~ (crc >> 8) end
  return (~crc) & 0xFFFFFFFF
end

local function mutate(s, textual)
  local n = #s
  local op = R(textual and 7 or 5)
  if n == 0 then return "\0" end
  -- Headers matter most: most positions fall in the first kilobyte.
  local at = R(2) == 1 and R(math.min(n, 1024)) or R(n)
  if op == 1 then      -- one byte
    return s:sub(1, at - 1) .. string.char(R(0, 255)) .. s:sub(at + 1)
  elseif op == 2 then  -- eight bytes of 0xFF or 0x00 (a size field set to a huge value or zero)
    local b = string.rep(R(2) == 1 and "\255" or "\0", 8)
    return s:sub(1, at - 1) .. b .. s:sub(at + 8)
  elseif op == 3 then  -- truncated
    return s:sub(1, R(0, n - 1))
  elseif op == 4 then  -- a chunk repeated
    local len = R(1, 64)
    return s:sub(1, at + len) .. s:sub(at, at + len) .. s:sub(at + len + 1)
  elseif op == 5 then  -- a little-endian integer set to a chosen value
    local v = pick({0, 1, -1, 2^31, 2^32 - 1, 1 << 40, math.maxinteger, 1000000000})
    return s:sub(1, at - 1) .. string.pack("<i8", v) .. s:sub(at + 8)
  else                 -- a number in text replaced by a hostile one
    local hostile = pick({"1000000000000", "-1", "1e308", "0", "18446744073709551615", "NaN", "\"x\"",
                          "null", "[]", "{}", "1000000000"})
    local count = 0
    local target = R(1, 40)
    return (s:gsub("%-?%d+%.?%d*", function(d)
      count = count + 1
      if count == target then return hostile end
    end))
  end
end

-- A checkpoint keeps a valid checksum after its header was changed, so the mutation reaches the
-- header's reader rather than the checksum test.
local function mutateCheckpoint(s)
  if R(2) == 1 then return mutate(s, false) end
  local headerLength = string.unpack("<I4", s, 13)
  local header = s:sub(17, 16 + headerLength)
  local changed = mutate(header, true)
  if #changed < headerLength then changed = changed .. string.rep(" ", headerLength - #changed) end
  changed = changed:sub(1, headerLength)
  local body = s:sub(1, 16) .. changed .. s:sub(17 + headerLength, #s - 4)
  return body .. string.pack("<I4", crc32(body))
end

local readers = {
  function()  -- GGUF
    if not originals.gguf then return nil end
    local path = work .. "/mutated.gguf"
    writefile(path, mutate(originals.gguf, false))
    return "model.load(mutated gguf)", function() return model.load(path) end
  end,
  function()  -- editor checkpoint
    if not originals.ckpt then return nil end
    local path = work .. "/mutated.ckpt"
    writefile(path, mutateCheckpoint(originals.ckpt))
    return "editor.load(mutated ckpt)", function() return editor.load(path, m) end
  end,
  function()  -- .npy
    if not originals.npy then return nil end
    local path = work .. "/mutated.npy"
    writefile(path, mutate(originals.npy, R(2) == 1))
    return "tensor.load(mutated npy)", function() return tensor.load(path) end
  end,
  function()  -- data JSON, read through data.load with INSTRUCTEDIT_DATA pointing at WORKDIR/data
    if #datafiles == 0 then return nil end
    local rel = pick(datafiles)
    writefile(work .. "/data/" .. rel, mutate(datatext[rel], true))
    return "data.load(mutated " .. rel .. ")", function()
      local ok = true
      for _, task in ipairs({"counterfact", "recent", "convsent", "zsre"}) do
        for _, split in ipairs({"train", "val", "test"}) do pcall(data.load, task, split) end
      end
      writefile(work .. "/data/" .. rel, datatext[rel])
    end
  end,
  function()  -- safetensors (Hugging Face folder)
    if not originals.safetensors then return nil end
    local folder = work .. "/hf"
    if R(3) == 1 then
      writefile(folder .. "/config.json", mutate(originals.hfconfig, true))
    else
      writefile(folder .. "/model.safetensors", mutate(originals.safetensors, false))
    end
    return "model.load(mutated safetensors folder)", function()
      local ok, err = pcall(model.load, folder)
      writefile(folder .. "/config.json", originals.hfconfig)
      writefile(folder .. "/model.safetensors", originals.safetensors)
      if not ok then error(err, 0) end
    end
  end,
}

-- Cases ---------------------------------------------------------------------------------------------

local function report(case, ok, err)
  if not ok and type(err) == "string" and (err:find("Domain=", 1, true) or err:find("NSCocoaErrorDomain", 1, true)) then
    io.write("bad-message ", case, " ", (err:gsub("\n", " ")), "\n")
  end
end

local ran = 0
for case = first, last do
  math.randomseed(seed, case)
  local description, call
  local kind = R(10)
  if kind <= 2 then
    description, call = pick(readers)()
  end
  if not call and kind <= 6 then
    local entry = pick(functions)
    local args = {}
    for i = 1, R(0, 4) do args[i] = value(0) end
    local shown = {}
    for i = 1, #args do shown[i] = describe(args[i]) end
    description = entry[1] .. "(" .. table.concat(shown, ", ") .. ")"
    call = function() return entry[2](table.unpack(args, 1, 4)) end
  elseif not call then
    local list = objects()
    local object = pick(list)
    local methods = methodsOf(object[2])
    local name = pick(methods)
    local args = {}
    -- Methods mostly take dimensions, indices and counts: small integers half of the time.
    for i = 1, R(0, 4) do args[i] = R(2) == 1 and R(-3, 3) or value(0) end
    local shown = {}
    for i = 1, #args do shown[i] = describe(args[i]) end
    description = object[1] .. ":" .. tostring(name) .. "(" .. table.concat(shown, ", ") .. ")"
    call = function() return object[2][name](object[2], table.unpack(args, 1, 4)) end
  end
  io.write("case ", case, " ", description, "\n")
  io.flush()
  local results = table.pack(pcall(call))
  local ok, err = results[1], results[2]
  report(case, ok, err)
  if ok then remember(table.unpack(results, 2, results.n)) end
  if R(20) == 1 then pcall(m.reset, m) end
  ran = ran + 1
end
io.write("done ", ran, "\n")
