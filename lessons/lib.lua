-- lessons/lib.lua — the lesson library, loaded by nnscope at start (repl/lesson.c)
-- with two arguments: `host`, the C helpers (read, settings, list), and the
-- directory of the lessons. It defines the globals a lesson (or the REPL) uses:
--
--   say(text, ...)      narration; text is a string or {en = ..., zh = ...}
--   pause()             waits for Enter (or space in the window); at once with --auto
--   check(ok, hint, ok_text)          a checkpoint: ✓, or ✗ and the hint
--   try{prompt, check = fn, answer = "...", hint = ...}   the learner types an expression
--   tr{en = ..., zh = ...}            the text in the lesson language
--   quick(full, short)  `short` when lessons run shortened (--auto, NNSCOPE_LESSON_QUICK=1)
--   watch(model [, panel])            shows the model in the window when one can open
--   snap(name [, panel])              a PNG of the window into $NNSCOPE_LESSON_SNAPSHOTS
--   language([lang])    the lesson language ("en" or "zh"), or sets it
--   lesson(n), lessons()              run lesson n; list the lessons
--
-- A lesson file is lessons/NN_name.lua; its first lines name it:
--   -- en: The REPL and tensors
--   -- zh: REPL 与张量
-- It runs in its own environment (globals it sets stay there, and try() sees
-- them); when it ends at the prompt they are handed to the learner's globals.

local host, dir = ...
local S = host.settings()

-- ------------------------------------------------------------------ state

local state = {
  passed = 0, failed = 0,       -- checkpoints of the running lesson (or the REPL's)
  env = _G,                     -- where try() and pause() evaluate what is typed
  eof = false,                  -- input ended: stop waiting
  hinted = false,               -- the first pause() explains itself
  number = nil,                 -- the lesson running
}

local function env_flag(name)
  local v = os.getenv(name)
  if v == nil or v == "" then return nil end
  v = v:lower()
  return not (v == "0" or v == "no" or v == "false" or v == "off")
end

local QUICK = env_flag("NNSCOPE_LESSON_QUICK")
if QUICK == nil then QUICK = S.auto end

local lang_now
do
  local l = (S.lang or os.getenv("NNSCOPE_LANG") or "en"):lower()
  lang_now = (l:match("^zh") or l == "cn") and "zh" or "en"
  if not (l:match("^zh") or l == "cn" or l:match("^en")) then
    io.stderr:write(("nnscope: no lessons in language '%s': using English (en, zh)\n"):format(l))
  end
end

local function paint(code, s)
  if not S.color then return s end
  return "\27[" .. code .. "m" .. s .. "\27[0m"
end

-- ------------------------------------------------------------ text layout

local WIDTH = 78

-- Display width of one code point: 2 for East Asian wide characters.
local function cp_width(c)
  if (c >= 0x1100 and c <= 0x115F) or (c >= 0x2E80 and c <= 0xA4CF)
      or (c >= 0xAC00 and c <= 0xD7A3) or (c >= 0xF900 and c <= 0xFAFF)
      or (c >= 0xFE30 and c <= 0xFE4F) or (c >= 0xFF00 and c <= 0xFF60)
      or (c >= 0xFFE0 and c <= 0xFFE6) then
    return 2
  end
  return 1
end

-- Punctuation that must not begin a line.
local NO_START = {}
for _, c in utf8.codes("，。、；：！？）」』》,.;:!?)]") do NO_START[c] = true end

local function is_wide(c) return cp_width(c) == 2 end

-- Whether s ends with a wide punctuation mark (after which no space is put).
local function cjk_punct_end(s)
  local last
  pcall(function() for _, c in utf8.codes(s) do last = c end end)
  return last ~= nil and NO_START[last] and is_wide(last)
end

-- Split a paragraph into units: {text, width, space_before}. A run of narrow
-- characters is one unit (a word); each wide character is a unit of its own.
local function units(par)
  local out, word, ww, space = {}, {}, 0, false
  local function flush()
    if #word > 0 then
      out[#out + 1] = {table.concat(word), ww, space}
      word, ww, space = {}, 0, false
    end
  end
  local ok = pcall(function()
    for _, c in utf8.codes(par) do
      if c == 32 or c == 9 then
        flush()
        space = true
      elseif is_wide(c) then
        flush()
        out[#out + 1] = {utf8.char(c), 2, space, NO_START[c]}
        space = false
      else
        if #word == 0 and NO_START[c] and #out > 0 and not space then
          -- narrow punctuation glued to what comes before it
          word[1] = utf8.char(c)
          ww = 1
        else
          word[#word + 1] = utf8.char(c)
          ww = ww + 1
        end
      end
    end
  end)
  if not ok then return {{par, #par, false}} end     -- not UTF-8: leave it whole
  flush()
  return out
end

-- Wrap one paragraph: the first line starts with `first`, the others with `rest`.
local function wrap_paragraph(par, first, rest)
  local lines, cur, w = {}, {}, 0
  local indent = first
  for _, u in ipairs(units(par)) do
    local text, uw, space, no_start = u[1], u[2], u[3], u[4]
    local add = (space and w > 0) and uw + 1 or uw
    if w > 0 and w + add > WIDTH - #indent and not no_start then
      lines[#lines + 1] = indent .. table.concat(cur)
      indent = rest
      cur, w = {text}, uw
    else
      if space and w > 0 then cur[#cur + 1] = " " end
      cur[#cur + 1] = text
      w = w + add
    end
  end
  if #cur > 0 then lines[#lines + 1] = indent .. table.concat(cur) end
  return table.concat(lines, "\n")
end

-- Paragraphs are separated by blank lines; a line starting with "- " is a list
-- item (its continuation lines are indented by two spaces); other lines starting
-- with two spaces are code and are kept as they are; the remaining lines of a
-- paragraph are joined.
local function layout(text)
  local out, par, bullet = {}, {}, false
  local function flush()
    if #par > 0 then
      local joined = table.concat(par, " ")
      if bullet then
        out[#out + 1] = wrap_paragraph(joined:sub(3), "- ", "  ")
      else
        out[#out + 1] = wrap_paragraph(joined, "", "")
      end
      par = {}
    end
    bullet = false
  end
  for line in (text .. "\n"):gmatch("(.-)\n") do
    if line:match("^%s*$") then
      flush()
      out[#out + 1] = ""
    elseif line:match("^%- ") then
      flush()
      par[1], bullet = line, true
    elseif line:match("^  ") and not (bullet and line:match("^  %S")) then
      flush()
      out[#out + 1] = paint("36", line)
    else
      if bullet then line = line:sub(3) end
      -- a Chinese line joins the next without a space
      local prev = par[#par]
      if prev and (prev:match("[\128-\255]$") and line:match("^[\128-\255]")
                   or cjk_punct_end(prev)) then
        par[#par] = par[#par] .. line
      else
        par[#par + 1] = line
      end
    end
  end
  flush()
  return table.concat(out, "\n")
end

-- ------------------------------------------------------------- language

function tr(text)
  if type(text) == "table" then
    return text[lang_now] or text.en or text[1] or ""
  end
  return tostring(text)
end

function language(l)
  if l ~= nil then
    l = tostring(l):lower()
    if not (l:match("^zh") or l:match("^en") or l == "cn") then
      error(("no lessons in language '%s': choose 'en' or 'zh'"):format(l), 2)
    end
    lang_now = (l:match("^zh") or l == "cn") and "zh" or "en"
  end
  return lang_now
end

function quick(full, short)
  if QUICK then return short end
  return full
end

-- --------------------------------------------------------------- narration

function say(text, ...)
  local s = tr(text)
  if select("#", ...) > 0 then s = s:format(...) end
  print()
  print(layout(s))
  if viz and viz.caption and not S.headless then pcall(viz.caption, s) end
end

-- The text the REPL prints for a value.
local function show_value(v)
  if __show then
    local ok, s = pcall(__show, v)
    if ok then return s end
  end
  return tostring(v)
end

-- Compile what was typed as the REPL does: an expression first, then a statement.
local function compile(code, env)
  local f = load("return " .. code, "=input", "t", env)
  if f then return f end
  return load(code, "=input", "t", env)
end

local function pack(...) return {n = select("#", ...), ...} end

-- Run one line typed at a pause (asking for more while the chunk is unfinished).
local function run_typed(line)
  local code = line
  local f, err = compile(code, state.env)
  while not f and err and err:match("<eof>$") do
    local more = host.read(">> ", false)
    if more == nil then break end
    code = code .. "\n" .. more
    f, err = compile(code, state.env)
  end
  if not f then
    print(paint("31", err))
    return
  end
  local r = pack(pcall(f))
  if not r[1] then
    print(paint("31", tostring(r[2])))
  elseif r.n > 1 then
    local parts = {}
    for i = 2, r.n do parts[#parts + 1] = show_value(r[i]) end
    print(table.concat(parts, "\t"))
  end
end

function pause()
  if S.auto or state.eof then return end
  if not state.hinted then
    state.hinted = true
    print(paint("2", tr{
      en = "(Enter goes on. You may type Lua first to try things; "
        .. "it sees the lesson's variables.)",
      zh = "（按回车继续。也可以先输入 Lua 代码试一试，它能看到本课的变量。）",
    }))
  end
  while true do
    local line = host.read("[Enter] > ", true)
    if line == nil then
      state.eof = true
      return
    end
    if line:match("^%s*$") then return end
    run_typed(line)
  end
end

-- ------------------------------------------------------------- checkpoints

local OK_MARK, BAD_MARK = "  \u{2713} ", "  \u{2717} "

function check(ok, hint, ok_text)
  if ok then
    state.passed = state.passed + 1
    print(paint("32", OK_MARK .. tr(ok_text or {en = "checkpoint passed", zh = "检查点通过"})))
    return true
  end
  state.failed = state.failed + 1
  print(paint("31", BAD_MARK .. tr(hint or {en = "checkpoint failed", zh = "检查点未通过"})))
  return false
end

-- try{prompt, check = fn, answer = "...", answers = {...}, hint = ...}, or
-- try(prompt, check, answer_or_options). check(value) says whether the value of
-- the typed expression is right (none: any value that evaluates is). With
-- --auto the answers are typed instead of the learner (in order, until one
-- passes); `answer` is also what an empty line shows.
local function try_options(a, b, c)
  local o
  if type(a) == "table" and (a.check ~= nil or a.answer ~= nil or a.answers ~= nil
                             or a.prompt ~= nil) then
    o = a
  else
    o = {prompt = a, check = b}
    if type(c) == "table" then
      for k, v in pairs(c) do o[k] = v end
    else
      o.answer = c
    end
  end
  local prompt = o.prompt or o[1]
  if prompt == nil and (o.en or o.zh) then prompt = {en = o.en, zh = o.zh} end
  local answers = o.answers or {}
  if #answers == 0 and o.answer then answers = {o.answer} end
  return prompt, o.check, answers, o.answer or answers[#answers], o.hint
end

-- Evaluate typed code; returns true and the first value, or false and a message.
local function evaluate(code)
  local f, err = compile(code, state.env)
  if not f then return false, err end
  local r = pack(pcall(f))
  if not r[1] then return false, tostring(r[2]) end
  return true, r[2], r.n > 1
end

local function judge(fn, v)
  if fn == nil then return true end
  local ok, res = pcall(fn, v)
  return ok and res and true or false
end

function try(a, b, c)
  local prompt, fn, answers, answer, hint = try_options(a, b, c)
  print()
  print(paint("1", layout("\u{270E} " .. tr(prompt or {en = "Your turn:", zh = "轮到你了："}))))
  if not S.auto and not state.eof then
    print(paint("2", tr{en = "(an empty line shows an answer)", zh = "（直接回车会显示一个答案）"}))
  end
  local i = 0
  while true do
    local line
    if S.auto or state.eof then
      i = i + 1
      line = answers[i]
      if line == nil then
        state.failed = state.failed + 1
        print(paint("31", BAD_MARK .. tr{en = "no scripted answer passed",
                                          zh = "没有一个预设答案通过"}))
        return nil
      end
      print("try> " .. line)
    else
      line = host.read("try> ", false)
      if line == nil then state.eof = true end
    end
    if line ~= nil and line:match("^%s*$") then
      if answer then
        print(tr{en = "One answer: ", zh = "一个答案："} .. answer)
        local ok, v = evaluate(answer)
        if ok then
          print(show_value(v))
          return v
        end
      end
      return nil
    end
    if line ~= nil then
      local ok, v, has_value = evaluate(line)
      if not ok then
        print(paint("31", BAD_MARK .. tr{en = "error: ", zh = "出错：" } .. v))
        if hint then print(paint("33", "    " .. tr(hint))) end
      elseif fn ~= nil and not has_value then
        print(paint("31", BAD_MARK .. tr{en = "that gives no value: type an expression",
                                          zh = "没有得到值：请输入一个表达式"}))
      elseif judge(fn, v) then
        print(show_value(v))
        state.passed = state.passed + 1
        print(paint("32", OK_MARK .. tr{en = "right", zh = "正确"}))
        return v
      else
        print(show_value(v))
        print(paint("31", BAD_MARK .. tr{en = "not quite", zh = "还不对"}))
        if hint then print(paint("33", "    " .. tr(hint))) end
      end
    end
  end
end

-- ------------------------------------------------------------------ demos

-- demo(code): prints the code as typed at the prompt, runs it in the lesson's
-- environment and prints what it returns, as the REPL would. Returns those
-- values; an error is printed (not raised) and gives nil.
function demo(code)
  local first = true
  for line in (code .. "\n"):gmatch("(.-)\n") do
    print(paint("36", (first and "> " or ">> ") .. line))
    first = false
  end
  local f, err = compile(code, state.env)
  if not f then
    print(paint("31", err))
    return nil
  end
  local r = pack(pcall(f))
  if not r[1] then
    print(paint("31", tostring(r[2])))
    return nil
  end
  if r.n > 1 then
    local parts = {}
    for i = 2, r.n do parts[#parts + 1] = show_value(r[i]) end
    print(table.concat(parts, "\t"))
  end
  return table.unpack(r, 2, r.n)
end

function approx(a, b, tol)
  tol = tol or 1e-4
  return type(a) == "number" and type(b) == "number"
     and math.abs(a - b) <= tol * math.max(1, math.abs(a), math.abs(b))
end

-- The rows of a 2-D tensor (or a table of tables) as a table of tables.
local function rows_of(t)
  if type(t) == "table" then return t end
  local shape = t:shape()
  if #shape == 3 and shape[3] == 1 then t = t:reshape{shape[1], shape[2]} end
  if #shape == 1 then
    local side = math.floor(math.sqrt(shape[1]) + 0.5)
    t = t:reshape{side, shape[1] // side}
  end
  return t:float():totable()
end

local SHADES = " .:-=+*#%@"
local BLOCKS = {" ", "\u{2591}", "\u{2592}", "\u{2593}", "\u{2588}"}

-- ascii(image [, {signed = true}]): draws a 2-D tensor in the terminal, two
-- characters a pixel. Unsigned: light to dark by value (0 to the largest).
-- Signed (weights): blue for positive, orange for negative (or + and - marks
-- without colours), scaled by the largest |value|.
function ascii(img, opts)
  opts = opts or {}
  local rows = rows_of(img)
  local lo, hi = math.huge, -math.huge
  for _, r in ipairs(rows) do
    for _, v in ipairs(r) do lo, hi = math.min(lo, v), math.max(hi, v) end
  end
  local out = {}
  if opts.signed then
    -- scale by the 98th percentile of |value|, so a few extreme weights do not
    -- wash out the picture (larger values are drawn at full strength)
    local mags = {}
    for _, r in ipairs(rows) do
      for _, v in ipairs(r) do mags[#mags + 1] = math.abs(v) end
    end
    table.sort(mags)
    local m = math.max(mags[math.max(1, math.floor(#mags * 0.98))] or 0, 1e-12)
    for _, r in ipairs(rows) do
      local line = {}
      for _, v in ipairs(r) do
        local level = math.min(4, math.floor(math.abs(v) / m * 4.999))
        if S.color then
          local cell = BLOCKS[level + 1]:rep(2)
          line[#line + 1] = level == 0 and "  "
            or ("\27[38;5;%dm%s\27[0m"):format(v > 0 and 32 or 208, cell)
        else
          local ch = level == 0 and " " or (v > 0 and ("+*#@"):sub(level, level)
                                                   or (".-=%"):sub(level, level))
          line[#line + 1] = ch:rep(2)
        end
      end
      out[#out + 1] = table.concat(line)
    end
    out[#out + 1] = paint("2", tr{
      en = ("(blue/+: positive, orange/-: negative; full strength from |value| %.3g)"):format(m),
      zh = ("（蓝色/+：正，橙色/-：负；|值| 达到 %.3g 即为最深）"):format(m)})
  else
    local top = math.max(hi, 1e-12)
    for _, r in ipairs(rows) do
      local line = {}
      for _, v in ipairs(r) do
        local level = math.max(0, math.min(9, math.floor(v / top * 9.999)))
        line[#line + 1] = SHADES:sub(level + 1, level + 1):rep(2)
      end
      out[#out + 1] = (table.concat(line):gsub("%s+$", ""))
    end
  end
  print(table.concat(out, "\n"))
end

local MARKS = {"*", "o", "+", "x", "#", "@", "%", "&"}
local HUES = {33, 208, 34, 160, 93, 94, 170, 244}     -- Tableau-like, 256 colours

-- plot({{name = "loss", ys = {...}, xs = {...}}, ...} [, {title =, xlabel =,
-- ylabel =, logy = true, width =, height =}]): a character plot of one or more
-- series (xs default to 1, 2, ...), with the y range at the left and a legend.
function plot(series, opts)
  opts = opts or {}
  if series.ys then series = {series} end
  local W, H = opts.width or 60, opts.height or 14
  local function ty(v) return opts.logy and math.log(math.max(v, 1e-12), 10) or v end
  local x0, x1, y0, y1 = math.huge, -math.huge, math.huge, -math.huge
  for _, s in ipairs(series) do
    for i, v in ipairs(s.ys) do
      local x = s.xs and s.xs[i] or i
      if v == v and math.abs(v) ~= math.huge then
        x0, x1 = math.min(x0, x), math.max(x1, x)
        y0, y1 = math.min(y0, ty(v)), math.max(y1, ty(v))
      end
    end
  end
  if x0 == math.huge then return end
  if y1 - y0 < 1e-12 then y0, y1 = y0 - 0.5, y1 + 0.5 end
  if x1 - x0 < 1e-12 then x1 = x0 + 1 end
  local grid = {}
  for r = 1, H do
    grid[r] = {}
    for c = 1, W do grid[r][c] = " " end
  end
  for k, s in ipairs(series) do
    local mark = MARKS[(k - 1) % #MARKS + 1]
    if S.color then mark = ("\27[38;5;%dm%s\27[0m"):format(HUES[(k - 1) % #HUES + 1], mark) end
    for i, v in ipairs(s.ys) do
      local x = s.xs and s.xs[i] or i
      if v == v and math.abs(v) ~= math.huge then
        local c = math.floor((x - x0) / (x1 - x0) * (W - 1) + 0.5) + 1
        local r = H - math.floor((ty(v) - y0) / (y1 - y0) * (H - 1) + 0.5)
        grid[r][c] = mark
      end
    end
  end
  local function label(v)
    local y = opts.logy and 10 ^ v or v
    if y == 0 then y = 0.0 end      -- no "-0"
    return ("%9.4g"):format(y)
  end
  if opts.title then print(paint("1", tr(opts.title))) end
  if opts.ylabel then print(tr(opts.ylabel) .. (opts.logy and " (log)" or "")) end
  for r = 1, H do
    local lab = (r == 1 and label(y1)) or (r == H and label(y0))
                or (r == (H + 1) // 2 and label((y0 + y1) / 2)) or (" "):rep(9)
    print(lab .. " |" .. table.concat(grid[r]))
  end
  print((" "):rep(10) .. "+" .. ("-"):rep(W))
  local xl, xr = ("%.4g"):format(x0), ("%.4g"):format(x1)
  print((" "):rep(11) .. xl .. (" "):rep(math.max(1, W - #xl - #xr)) .. xr)
  if opts.xlabel then print((" "):rep(11 + W // 2 - 3) .. tr(opts.xlabel)) end
  local legend = {}
  for k, s in ipairs(series) do
    local mark = MARKS[(k - 1) % #MARKS + 1]
    if S.color then mark = ("\27[38;5;%dm%s\27[0m"):format(HUES[(k - 1) % #HUES + 1], mark) end
    legend[#legend + 1] = mark .. " " .. tr(s.name or ("series " .. k))
  end
  if #series > 1 or series[1].name then print("  " .. table.concat(legend, "   ")) end
end

-- ------------------------------------------------------------- the window

-- Whether the window can be used: not --headless, a display, and viz.show there.
function window()
  return not S.headless and viz ~= nil and viz.show ~= nil
end

local function snapshots_wanted()
  local to = os.getenv("NNSCOPE_LESSON_SNAPSHOTS")
  return to ~= nil and to ~= "" and viz ~= nil and viz.snapshot ~= nil, to
end

-- watch(model [, panel]): shows the model (and that panel alone) in the window.
-- Returns true when a window shows it. Headless, the model is still handed to
-- the window's canvas when snapshots are wanted, so snap() can draw it.
function watch(model, panel)
  if not (viz and viz.show) then return false end
  if S.headless and not snapshots_wanted() then return false end
  if not pcall(viz.show, model) then return false end
  local panel_ok = true
  if viz.panel then
    local ok, res = pcall(viz.panel, panel or "dashboard")
    panel_ok = ok and res ~= false
  end
  return panel_ok and not S.headless
end

function snap(name, panel)
  local wanted, to = snapshots_wanted()
  if not wanted then return false end
  local file = ("%s/lesson%02d_%s.png"):format(to, state.number or 0, name)
  return (pcall(viz.snapshot, file, panel))
end

-- --------------------------------------------------------------- lessons

local handed = {}        -- globals that lessons handed to the learner

local function catalogue()
  local names, err = host.list(dir)
  if not names then error(err, 0) end
  local list = {}
  for _, name in ipairs(names) do
    local n = name:match("^(%d+)_.*%.lua$")
    if n then
      local e = {number = tonumber(n), path = dir .. "/" .. name}
      local f = io.open(e.path)
      if f then
        for line in f:lines() do
          if not line:match("^%-%-") then break end
          local k, v = line:match("^%-%-%s*(%a%a):%s*(.-)%s*$")
          if k then e[k] = v end
        end
        f:close()
      end
      list[#list + 1] = e
    end
  end
  table.sort(list, function(x, y) return x.number < y.number end)
  return list
end

function lessons()
  local list = catalogue()
  print(tr{en = "Lessons (lesson(N) starts one; from the shell: nnscope --lesson N):",
           zh = "课程列表（lesson(N) 开始一课；在命令行中：nnscope --lesson N）："})
  for _, e in ipairs(list) do
    print(("  %2d  %s"):format(e.number, e[lang_now] or e.en or "?"))
  end
end

local function rule(title)
  print()
  print(paint("1", title))
  print(paint("2", ("\u{2500}"):rep(math.min(WIDTH, 60))))
end

-- Runs lesson n; returns the checkpoints passed and failed (for nnscope --lesson).
local function run_lesson(n)
  local list = catalogue()
  if n == nil then return lessons() end
  local num = tonumber(n)
  local entry
  for _, e in ipairs(list) do
    if e.number == num and num == math.floor(num) then entry = e end
  end
  if not entry then
    local first, last = list[1] and list[1].number, list[#list] and list[#list].number
    error(tr{
      en = ("no lesson %s: the lessons are numbered %s to %s (lessons() lists them)")
        :format(tostring(n), tostring(first), tostring(last)),
      zh = ("没有第 %s 课：课程编号为 %s 到 %s（lessons() 列出所有课程）")
        :format(tostring(n), tostring(first), tostring(last)),
    }, 0)
  end
  local env = setmetatable({}, {__index = _G})
  local chunk, err = loadfile(entry.path, "t", env)
  if not chunk then error("lesson " .. num .. " does not load: " .. err, 0) end

  local saved = {state.passed, state.failed, state.env, state.eof, state.hinted, state.number}
  state.passed, state.failed, state.env = 0, 0, env
  state.eof, state.hinted, state.number = false, false, num
  local function restore()
    state.passed, state.failed, state.env, state.eof, state.hinted, state.number =
      table.unpack(saved, 1, 6)
  end

  rule(tr{en = "Lesson ", zh = "第 "} .. num .. tr{en = " \u{2014} ", zh = " 课 \u{2014} "}
       .. (entry[lang_now] or entry.en or ""))
  local ok, e = xpcall(chunk, function(m)
    m = tostring(m)
    return S.debug and debug.traceback(m, 2) or m
  end)
  local passed, failed = state.passed, state.failed
  restore()
  if not ok then
    if e:match("interrupted!") then
      error(tr{en = ("lesson %d stopped (Ctrl-C)"):format(num),
               zh = ("第 %d 课已停止（Ctrl-C）"):format(num)}, 0)
    end
    error(tr{en = ("lesson %d stopped by an error: "):format(num),
             zh = ("第 %d 课因错误而停止："):format(num)} .. e, 0)
  end

  print()
  local total = passed + failed
  local summary = tr{
    en = ("Lesson %d done: %d of %d checkpoints passed."):format(num, passed, total),
    zh = ("第 %d 课完成：%d 个检查点中通过了 %d 个。"):format(num, total, passed),
  }
  print(paint(failed == 0 and "32" or "31", summary))
  local nexts
  for _, x in ipairs(list) do
    if x.number > num then nexts = x break end
  end
  if not S.auto then
    -- A learner at a terminal gets the lesson's variables as globals; a global
    -- they (or a program) set themselves is never replaced, only one that an
    -- earlier lesson handed over.
    local names = {}
    for k, v in pairs(S.terminal and env or {}) do
      if type(k) == "string" and (rawget(_G, k) == nil or handed[k]) then
        rawset(_G, k, v)
        handed[k] = true
        names[#names + 1] = k
      end
    end
    table.sort(names)
    if #names > 0 then
      print(tr{en = "The lesson's variables are yours now: ", zh = "本课的变量现在可以直接使用："}
            .. table.concat(names, ", "))
    end
    if nexts then
      print(tr{en = "Next: lesson(", zh = "下一课：lesson("} .. nexts.number .. ")  "
            .. (nexts[lang_now] or nexts.en or ""))
    end
  end
  return passed, failed
end

__lesson_run = run_lesson

function lesson(n)
  run_lesson(n)
end

-- ------------------------------------------------------------ help entries

if __doc then
  __doc(say, {name = "say", signature = "say(text, ...)",
    text = "Narration of a lesson: prints text (a string, or {en = ..., zh = ...} picked\n"
        .. "by --lang or NNSCOPE_LANG), wrapped to the terminal; extra arguments go\n"
        .. "through string.format.",
    example = 'say({en = "The loss is %.4f", zh = "损失是 %.4f"}, 0.25)'})
  __doc(pause, {name = "pause", signature = "pause()",
    text = "Waits until the learner presses Enter (or space in the window). Lines typed\n"
        .. "meanwhile run as Lua in the lesson's variables. Returns at once with --auto."})
  __doc(check, {name = "check", signature = "check(condition, hint [, ok_text])",
    text = "A checkpoint: prints a tick (and ok_text) when condition holds, else a cross\n"
        .. "and the hint. With --auto a failed checkpoint makes nnscope exit non-zero."})
  __doc(try, {name = "try",
    signature = "try{prompt, check = function(v) ... end, answer = \"...\", hint = ...}",
    text = "Lets the learner type an expression until check(value) holds; an error is\n"
        .. "shown with the hint and the lesson goes on. An empty line shows the answer.\n"
        .. "With --auto, answer (or each of the list answers, in order) is typed instead.",
    example = 'try{{en = "Type 6 * 7"}, check = function(v) return v == 42 end,\n'
        .. '    answer = "6 * 7"}'})
  __doc(quick, {name = "quick", signature = "quick(full, short)",
    text = "short when lessons run shortened (with --auto, or NNSCOPE_LESSON_QUICK=1;\n"
        .. "NNSCOPE_LESSON_QUICK=0 gives the full sizes even with --auto), else full.",
    example = "local n = quick(60000, 5000)"})
  __doc(lesson, {name = "lesson", signature = "lesson(n)",
    text = "Runs lesson n (from lessons/). With no argument, lists them like lessons().\n"
        .. "From the shell: nnscope --lesson n [--lang zh] [--auto].",
    example = "lesson(1)"})
  __doc(lessons, {name = "lessons", signature = "lessons()",
    text = "Lists the lessons with their titles."})
  __doc(tr, {name = "tr", signature = "tr{en = ..., zh = ...}",
    text = "The text in the lesson language (English unless --lang zh or NNSCOPE_LANG=zh)."})
  __doc(language, {name = "language", signature = "language([\"en\" | \"zh\"])",
    text = "Returns the lesson language, or sets it."})
  __doc(watch, {name = "watch", signature = "watch(model [, panel])",
    text = "Shows model in the window (and the panel named) when a window can open;\n"
        .. "returns whether it did."})
  __doc(snap, {name = "snap", signature = "snap(name [, panel])",
    text = "Saves a PNG of the window as lessonNN_name.png in $NNSCOPE_LESSON_SNAPSHOTS\n"
        .. "when that is set."})
end

-- The ten classes of Fashion-MNIST, label 0 first, in the lesson language.
function fashion_classes()
  if lang_now == "zh" then
    return {"T恤/上衣", "裤子", "套衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴"}
  end
  return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
          "Sneaker", "Bag", "Ankle boot"}
end

if __doc then
  __doc(demo, {name = "demo", signature = "demo(code)",
    text = "Prints code as if typed at the prompt, runs it in the lesson's variables and\n"
        .. "prints the result as the REPL does; returns the results (nil after an error).",
    example = 'demo("nn.tensor{{1, 2}, {3, 4}}:sum()")'})
  __doc(ascii, {name = "ascii", signature = "ascii(image [, {signed = true}])",
    text = "Draws a 2-D tensor (an image, or a unit's 784 weights) in the terminal;\n"
        .. "signed: blue positive, orange negative."})
  __doc(plot, {name = "plot", signature = "plot({{name =, ys =, xs =}, ...} [, opts])",
    text = "A character plot of one or more series; opts: title, xlabel, ylabel, logy,\n"
        .. "width, height.",
    example = 'plot({name = "loss", ys = {1, 0.5, 0.3, 0.2}})'})
  __doc(approx, {name = "approx", signature = "approx(a, b [, tol = 1e-4])",
    text = "Whether numbers a and b agree within tol (relative to the larger of them,\n"
        .. "absolute below 1)."})
  __doc(fashion_classes, {name = "fashion_classes", signature = "fashion_classes()",
    text = "The names of Fashion-MNIST's ten classes, label 0 first."})
  __doc(window, {name = "window", signature = "window()",
    text = "Whether the window can be used (not --headless, a display, viz.show there)."})
end
