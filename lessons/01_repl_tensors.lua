-- en: The REPL and tensors
-- zh: REPL 与张量
say{en = "Hello. This is a very long sentence that should wrap nicely at the edge of the terminal, because narration is long and a learner reads it calmly.", zh = "你好。这是一个很长的句子，应该在终端的边缘整齐地换行，因为旁白很长，学习者会慢慢地阅读它。这是一个很长的句子，应该在终端的边缘整齐地换行。"}
x = 3
pause()
check(x == 3, "x should be 3", "x is 3")
try{"Type x * 2", check = function(v) return v == 6 end, answers = {"x *", "x * 3", "x * 2"}, hint = "multiply x by two"}
